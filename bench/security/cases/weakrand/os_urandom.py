# bench: expected=safe cwe=330
import os
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/session")
def new_session():
    session["sid"] = os.urandom(16).hex()
    return "ok"
