# bench: expected=safe cwe=601
from flask import url_for
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/login")
def login():
    page = request.args.get("page", "")
    return redirect(url_for("home", tab=page))
