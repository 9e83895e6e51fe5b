# bench: expected=vulnerable cwe=328
import hashlib
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/sign")
def sign():
    data = request.args.get("data", "")
    md = hashlib.md5()
    md.update(data.encode("utf-8"))
    return md.hexdigest()
