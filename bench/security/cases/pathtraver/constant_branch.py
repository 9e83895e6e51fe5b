# bench: expected=safe cwe=22
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/read")
def read():
    param = request.args.get("file", "")
    bar = param
    if 7 * 18 > 100:
        bar = "index.txt"
    with open("/srv/files/" + bar) as fh:
        return fh.read()
