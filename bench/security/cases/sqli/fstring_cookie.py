# bench: expected=vulnerable cwe=89
import sqlite3
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/prefs")
def prefs():
    theme = request.cookies.get("theme", "")
    conn = sqlite3.connect("app.db")
    rows = conn.execute(f"SELECT * FROM prefs WHERE theme = '{theme}'").fetchall()
    return str(rows)
