import sqlite3

import pandas as pd
from django.db import connection
from flask import Flask, g, request

app = Flask(__name__)
SORT_COLUMNS = {"name", "created_at"}


def get_db():
    return sqlite3.connect("app.db")


@app.route("/users")
def users():
    name = request.args.get("name", "")
    db = get_db()
    # ruleid: sqli-tainted-dbapi
    rows = db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
    return {"users": rows}


def orders(request, customer_id):
    sql = "SELECT * FROM orders WHERE customer_id = " + customer_id
    with connection.cursor() as cursor:
        # ruleid: sqli-tainted-dbapi
        cursor.execute(sql)
        return cursor.fetchall()


@app.route("/report")
def report():
    table = request.args["table"]
    # ruleid: sqli-tainted-dbapi
    frame = pd.read_sql("SELECT * FROM %s" % table, get_db())
    return frame.to_json()


@app.route("/users-safe")
def users_safe():
    name = request.args.get("name", "")
    # ok: sqli-tainted-dbapi
    rows = get_db().execute("SELECT * FROM users WHERE name = ?", (name,)).fetchall()
    return {"users": rows}


@app.route("/users-sorted")
def users_sorted():
    column = request.args.get("sort", "name")
    if column not in SORT_COLUMNS:
        column = "name"
        return {"error": "bad sort"}, 400
    # ok: sqli-tainted-dbapi
    rows = get_db().execute(f"SELECT * FROM users ORDER BY {column}").fetchall()
    return {"users": rows}


@app.route("/page")
def page():
    limit = int(request.args.get("limit", "20"))
    # ok: sqli-tainted-dbapi
    rows = get_db().execute(f"SELECT * FROM users LIMIT {limit}").fetchall()
    return {"users": rows}
