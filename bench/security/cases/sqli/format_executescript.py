# bench: expected=vulnerable cwe=89
import sqlite3
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/delete", methods=["POST"])
def delete():
    uid = request.form.get("id")
    sql = "DELETE FROM users WHERE id = {}".format(uid)
    conn = sqlite3.connect("app.db")
    conn.executescript(sql)
    return "ok"
