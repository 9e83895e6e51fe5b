# bench: expected=vulnerable cwe=614
from django.http import HttpResponse


def login(request):
    resp = HttpResponse("ok")
    resp.set_cookie("auth_token", request.POST.get("token", ""), httponly=True)
    return resp
