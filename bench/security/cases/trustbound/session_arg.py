# bench: expected=vulnerable cwe=501
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/prefs")
def prefs():
    role = request.args.get("role", "user")
    session["role"] = role
    return "saved"
