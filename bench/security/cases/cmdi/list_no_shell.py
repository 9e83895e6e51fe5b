# bench: expected=safe cwe=78
import subprocess
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "")
    out = subprocess.check_output(["ping", "-c", "1", host])
    return out
