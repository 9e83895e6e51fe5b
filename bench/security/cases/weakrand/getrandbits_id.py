# bench: expected=vulnerable cwe=330
import random
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/session")
def new_session():
    sid = "%032x" % random.getrandbits(128)
    session["sid"] = sid
    return "ok"
