# bench: expected=safe cwe=78
import subprocess
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/uptime")
def uptime():
    verbose = request.args.get("v")
    out = subprocess.check_output("uptime", shell=True)
    return out if verbose else "up"
