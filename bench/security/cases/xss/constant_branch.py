# bench: expected=safe cwe=79
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/hello")
def hello():
    param = request.args.get("name", "")
    bar = param
    if 7 * 18 > 100:
        bar = "world"
    return "<h1>Hello " + bar + "</h1>"
