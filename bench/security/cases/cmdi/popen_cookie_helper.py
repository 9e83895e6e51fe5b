# bench: expected=vulnerable cwe=78
import os
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


def build(arg):
    return "ls -l " + arg


@app.route("/list")
def listing():
    param = request.cookies.get("dir", "")
    bar = param
    p = os.popen(build(bar))
    return p.read()
