# bench: expected=safe cwe=502
import json
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/restore", methods=["POST"])
def restore():
    state = json.loads(request.form.get("state", "{}"))
    return str(state)
