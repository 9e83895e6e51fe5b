# bench: expected=vulnerable cwe=79
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/bio")
def bio():
    text = request.cookies.get("bio", "")
    return Markup("<div>%s</div>" % text)
