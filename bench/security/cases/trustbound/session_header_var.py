# bench: expected=vulnerable cwe=501
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/lang")
def lang():
    param = request.headers.get("X-User", "")
    bar = param.strip()
    session["userid"] = bar
    return "ok"
