# bench: expected=safe cwe=94
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/sq")
def square():
    n = int(request.args.get("n", "1"))
    return str(eval(str(n) + " ** 2"))
