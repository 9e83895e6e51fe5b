# bench: expected=vulnerable cwe=22
import os
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/delete", methods=["POST"])
def delete():
    target = request.form.get("path")
    os.remove(target)
    return "deleted"
