# bench: expected=vulnerable cwe=501
from django.http import HttpResponse


def remember(request):
    name = request.POST.get("name", "")
    request.session["display_name"] = name
    return HttpResponse("ok")
