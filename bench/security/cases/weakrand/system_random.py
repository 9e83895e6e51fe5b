# bench: expected=safe cwe=330
import random
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/remember")
def remember():
    value = random.SystemRandom().randint(0, 2**31)
    resp = make_response("ok")
    resp.set_cookie("rememberMe", str(value), secure=True, httponly=True)
    return resp
