# bench: expected=vulnerable cwe=501
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/set")
def set_value():
    key = request.form.get("key", "k")
    session[key] = "1"
    return "ok"
