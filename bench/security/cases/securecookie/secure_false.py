# bench: expected=vulnerable cwe=614
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/remember")
def remember():
    resp = make_response("ok")
    resp.set_cookie("remember", "yes", secure=False, httponly=True)
    return resp
