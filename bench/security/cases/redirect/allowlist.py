# bench: expected=safe cwe=601
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


SAFE_TARGETS = {"/", "/home", "/profile"}


@app.route("/login")
def login():
    target = request.args.get("next", "/")
    if target not in SAFE_TARGETS:
        target = "/"
    return redirect(target)
