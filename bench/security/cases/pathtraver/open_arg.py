# bench: expected=vulnerable cwe=22
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/read")
def read():
    name = request.args.get("file", "")
    with open("/srv/files/" + name) as fh:
        return fh.read()
