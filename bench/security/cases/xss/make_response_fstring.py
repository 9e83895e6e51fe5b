# bench: expected=vulnerable cwe=79
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/search")
def search():
    q = request.form.get("q", "")
    resp = make_response(f"<p>No results for {q}</p>")
    resp.headers["Content-Type"] = "text/html"
    return resp
