# bench: expected=vulnerable cwe=328
import hashlib
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/register", methods=["POST"])
def register():
    password = request.form.get("password", "")
    digest = hashlib.md5(password.encode()).hexdigest()
    return digest
