# bench: expected=vulnerable cwe=502
import yaml
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/config", methods=["POST"])
def config():
    data = yaml.load(request.data, Loader=yaml.Loader)
    return str(data)
