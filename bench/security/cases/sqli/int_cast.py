# bench: expected=safe cwe=89
import sqlite3
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/item")
def item():
    iid = int(request.args.get("id", "0"))
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM items WHERE id = %d" % iid).fetchall()
    return str(rows)
