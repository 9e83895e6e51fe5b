# bench: expected=vulnerable cwe=22
from pathlib import Path
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/doc")
def doc():
    name = request.headers.get("X-Doc", "")
    return Path("/srv/docs", name).read_text()
