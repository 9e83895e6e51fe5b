# bench: expected=safe cwe=22
import os
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


BASE = "/srv/files"


@app.route("/read")
def read():
    name = request.args.get("file", "")
    path = os.path.realpath(os.path.join(BASE, name))
    if not path.startswith(BASE + os.sep):
        return "no", 403
    with open(path) as fh:
        return fh.read()
