# bench: expected=safe cwe=328
import hashlib
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/etag")
def etag():
    body = request.args.get("body", "")
    return hashlib.md5(body.encode(), usedforsecurity=False).hexdigest()
