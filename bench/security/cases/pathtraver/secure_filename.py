# bench: expected=safe cwe=22
import os
from werkzeug.utils import secure_filename
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/read")
def read():
    name = secure_filename(request.args.get("file", ""))
    with open(os.path.join("/srv/files", name)) as fh:
        return fh.read()
