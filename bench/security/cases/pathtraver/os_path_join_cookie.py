# bench: expected=vulnerable cwe=22
import os
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/avatar")
def avatar():
    name = request.cookies.get("avatar", "default.png")
    path = os.path.join("/srv/avatars", name)
    with open(path, "rb") as fh:
        return fh.read()
