# bench: expected=safe cwe=79
from django.http import HttpResponse
from django.utils.html import escape as html_escape


def hello(request):
    name = request.GET.get("name", "")
    return HttpResponse("<h1>Hello %s</h1>" % html_escape(name))
