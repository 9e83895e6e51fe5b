# bench: expected=safe cwe=78
import os
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


ALLOWED = {"status", "version"}


@app.route("/svc")
def svc():
    action = request.args.get("action", "")
    if action not in ALLOWED:
        return "no", 400
    os.system("service app " + action)
    return "ok"
