# bench: expected=safe cwe=94
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/calc")
def calc():
    param = request.args.get("expr", "1")
    bar = param
    if (500 / 42) + 196 > 200:
        bar = "2 + 2"
    return str(eval(bar))
