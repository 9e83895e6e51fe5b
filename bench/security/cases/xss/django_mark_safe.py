# bench: expected=vulnerable cwe=79
from django.http import HttpResponse
from django.utils.safestring import mark_safe


def comment(request):
    body = request.POST.get("body", "")
    return HttpResponse(mark_safe("<p>" + body + "</p>"))
