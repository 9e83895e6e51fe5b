# bench: expected=vulnerable cwe=601
from django.http import HttpResponseRedirect


def back(request):
    dest = request.GET.get("return_to", "/")
    return HttpResponseRedirect(dest)
