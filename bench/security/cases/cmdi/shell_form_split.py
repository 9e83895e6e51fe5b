# bench: expected=vulnerable cwe=78
import subprocess
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/grep", methods=["POST"])
def grep():
    pattern = request.form["pattern"]
    args = ["sh", "-c", "grep " + pattern + " /var/log/app.log"]
    result = subprocess.run(args, capture_output=True, text=True)
    return result.stdout
