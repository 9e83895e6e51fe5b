# bench: expected=vulnerable cwe=94
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/calc")
def calc():
    expr = request.args.get("expr", "1")
    return str(eval(expr))
