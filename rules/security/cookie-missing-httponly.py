from flask import Flask, make_response

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    resp = make_response("ok")
    # ruleid: cookie-missing-httponly
    resp.set_cookie("sessionid", "abc123", secure=True)
    return resp


def remember_me(response, token):
    # ruleid: cookie-missing-httponly
    response.set_cookie("remember_token", token, secure=True, httponly=False, max_age=86400)
    return response


@app.route("/login-safe", methods=["POST"])
def login_safe():
    resp = make_response("ok")
    # ok: cookie-missing-httponly
    resp.set_cookie("sessionid", "abc123", secure=True, httponly=True)
    return resp


def csrf_cookie(response, token):
    # ok: cookie-missing-httponly
    response.set_cookie("csrf_token", token, secure=True)
    return response
