# bench: expected=safe cwe=614
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/logout")
def logout():
    resp = make_response("bye")
    resp.delete_cookie("session_id")
    return resp
