# bench: expected=vulnerable cwe=79
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/greet")
def greet():
    name = request.headers.get("X-Name", "")
    return render_template_string("<p>Hi " + name + "</p>")
