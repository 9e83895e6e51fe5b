# bench: expected=safe cwe=501
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/prefs")
def prefs():
    param = request.args.get("role", "user")
    bar = param
    if 7 * 18 > 100:
        bar = "user"
    session["role"] = bar
    return "saved"
