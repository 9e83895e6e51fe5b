# bench: expected=safe cwe=501
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


LANGS = {"en", "fr", "de"}


@app.route("/lang")
def lang():
    value = request.args.get("lang", "en")
    if value not in LANGS:
        return "bad", 400
    session["lang"] = value
    return "ok"
