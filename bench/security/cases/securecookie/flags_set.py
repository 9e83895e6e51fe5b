# bench: expected=safe cwe=614
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    resp = make_response("ok")
    resp.set_cookie("session_id", request.form.get("sid", ""), secure=True, httponly=True, samesite="Lax")
    return resp
