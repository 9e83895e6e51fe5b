# bench: expected=safe cwe=79
from flask import jsonify
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/echo")
def echo():
    name = request.args.get("name", "")
    return jsonify({"name": name})
