# bench: expected=safe cwe=501
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/visit")
def visit():
    page = request.args.get("page", "")
    session["visited"] = True
    return "ok " + str(len(page))
