# bench: expected=vulnerable cwe=79
from django.http import HttpResponse


def hello(request):
    name = request.GET.get("name", "")
    return HttpResponse("<h1>Hello %s</h1>" % name)
