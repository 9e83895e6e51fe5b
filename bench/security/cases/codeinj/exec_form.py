# bench: expected=vulnerable cwe=94
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/run", methods=["POST"])
def run():
    code = request.form.get("code", "")
    scope = {}
    exec("result = " + code, scope)
    return str(scope.get("result"))
