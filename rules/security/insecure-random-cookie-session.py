import random
import secrets

from flask import Flask, make_response, session

app = Flask(__name__)


@app.route("/remember")
def remember():
    value = random.randint(0, 2**31)
    resp = make_response("ok")
    # ruleid: insecure-random-cookie-session
    resp.set_cookie("rememberMe", str(value), secure=True, httponly=True)
    return resp


@app.route("/session")
def new_session():
    sid = "%032x" % random.getrandbits(128)
    # ruleid: insecure-random-cookie-session
    session["sid"] = sid
    return "ok"


def django_view(request):
    # ruleid: insecure-random-cookie-session
    request.session["nonce"] = random.random()


@app.route("/remember-safe")
def remember_safe():
    value = secrets.randbelow(2**31)
    resp = make_response("ok")
    # ok: insecure-random-cookie-session
    resp.set_cookie("rememberMe", str(value), secure=True, httponly=True)
    # ok: insecure-random-cookie-session
    session["sid"] = random.SystemRandom().getrandbits(128)
    # ok: insecure-random-cookie-session
    session["theme"] = "dark"
    return resp
