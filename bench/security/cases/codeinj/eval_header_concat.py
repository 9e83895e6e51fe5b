# bench: expected=vulnerable cwe=94
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/sum")
def total():
    param = request.headers.get("X-Numbers", "")
    bar = "[" + param + "]"
    return str(sum(eval(bar)))
