# bench: expected=safe cwe=614
from django.http import HttpResponse


def login(request):
    resp = HttpResponse("ok")
    resp.set_cookie("auth_token", "x", secure=True, httponly=True)
    return resp
