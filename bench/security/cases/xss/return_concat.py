# bench: expected=vulnerable cwe=79
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return "<h1>Hello " + name + "</h1>"
