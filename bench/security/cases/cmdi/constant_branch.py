# bench: expected=safe cwe=78
import os
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/echo")
def echo():
    param = request.args.get("value", "")
    bar = param
    if 7 * 18 > 100:
        bar = "safe!"
    os.system("echo " + bar)
    return "ok"
