# bench: expected=safe cwe=330
import secrets
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/reset")
def reset():
    token = secrets.token_hex(16)
    return {"token": token}
