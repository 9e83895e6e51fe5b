# bench: expected=safe cwe=89
import sqlite3
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/user")
def user():
    param = request.args.get("name", "")
    bar = param
    if 7 * 18 > 100:
        bar = "bob"
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM users WHERE name = '" + bar + "'").fetchall()
    return str(rows)
