# bench: expected=vulnerable cwe=330
import random
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/reset")
def reset():
    token = str(random.random())[2:]
    return {"token": token}
