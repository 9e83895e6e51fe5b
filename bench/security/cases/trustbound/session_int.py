# bench: expected=safe cwe=501
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/page")
def page():
    n = int(request.args.get("n", "1"))
    session["page"] = n
    return "ok"
