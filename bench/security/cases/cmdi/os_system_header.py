# bench: expected=vulnerable cwe=78
import os
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/echo", methods=["POST"])
def echo():
    value = request.headers.get("X-Value")
    cmd = f"echo {value}"
    os.system(cmd)
    return "ok"
