# bench: expected=vulnerable cwe=601
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/go")
def go():
    url = request.form.get("url", "/")
    resp = make_response("", 302)
    resp.headers["Location"] = url
    return resp
