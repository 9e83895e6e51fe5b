# bench: expected=safe cwe=328
import hashlib
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/sign")
def sign():
    data = request.args.get("data", "")
    return hashlib.sha256(data.encode()).hexdigest()
