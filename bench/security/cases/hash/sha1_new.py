# bench: expected=vulnerable cwe=328
import hashlib
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/token")
def token():
    secret = request.args.get("secret", "")
    h = hashlib.new("sha1")
    h.update(secret.encode())
    return h.hexdigest()
