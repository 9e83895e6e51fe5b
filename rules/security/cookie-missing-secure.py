from flask import Flask, make_response

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    resp = make_response("ok")
    # ruleid: cookie-missing-secure
    resp.set_cookie("session_token", "abc123", httponly=True)
    return resp


def django_login(request, response, token):
    # ruleid: cookie-missing-secure
    response.set_cookie(key="auth", value=token, httponly=True, secure=False)
    return response


@app.route("/login-safe", methods=["POST"])
def login_safe():
    resp = make_response("ok")
    # ok: cookie-missing-secure
    resp.set_cookie("session_token", "abc123", secure=True, httponly=True, samesite="Lax")
    return resp


@app.route("/theme")
def theme():
    resp = make_response("ok")
    # Any cookie: the name says nothing about what the value will be used for (issue 14).
    # ruleid: cookie-missing-secure
    resp.set_cookie("theme", "dark")
    return resp


@app.route("/remember")
def remember(value):
    resp = make_response("ok")
    # ok: cookie-missing-secure
    resp.set_cookie("SomeCookie", value, secure=True, httponly=True)
    # ok: cookie-missing-secure
    resp.delete_cookie("SomeCookie")
    return resp


from pyramid.authentication import AuthTktAuthenticationPolicy, AuthTktCookieHelper

# ruleid: cookie-missing-secure
helper = AuthTktCookieHelper(secret=SECRET)
# ruleid: cookie-missing-secure
policy = AuthTktAuthenticationPolicy(SECRET, secure=False, hashalg="sha512")
# ok: cookie-missing-secure
safe_policy = AuthTktAuthenticationPolicy(SECRET, secure=True, http_only=True, hashalg="sha512")
