# bench: expected=vulnerable cwe=330
import random
import string
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/newpass")
def newpass():
    password = "".join(random.choice(string.ascii_letters) for _ in range(12))
    return password
