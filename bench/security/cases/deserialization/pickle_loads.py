# bench: expected=vulnerable cwe=502
import base64
import pickle
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/restore", methods=["POST"])
def restore():
    blob = base64.b64decode(request.form.get("state", ""))
    state = pickle.loads(blob)
    return str(state)
