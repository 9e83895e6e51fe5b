import sqlite3

from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import JsonResponse
from fastapi import Depends, FastAPI
from flask import Flask, g, request
from sqlalchemy import literal_column, select, text
from sqlalchemy.orm import Session
import pandas as pd

from .db import get_session, users
from .models import Person

app = Flask(__name__)
SORT_COLUMNS = {"name", "created_at"}
api = FastAPI()
SORTABLE = {"name", "email"}
ORDERINGS = ["last_name", "-last_name"]


# --- DB-API cursors ---


def get_db():
    return sqlite3.connect("app.db")


@app.route("/users")
def users():
    name = request.args.get("name", "")
    db = get_db()
    # ruleid: sql-injection
    rows = db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
    return {"users": rows}


def orders(request, customer_id):
    sql = "SELECT * FROM orders WHERE customer_id = " + customer_id
    with connection.cursor() as cursor:
        # ruleid: sql-injection
        cursor.execute(sql)
        return cursor.fetchall()


@app.route("/report")
def report():
    table = request.args["table"]
    # ruleid: sql-injection
    frame = pd.read_sql("SELECT * FROM %s" % table, get_db())
    return frame.to_json()


@app.route("/users-safe")
def users_safe():
    name = request.args.get("name", "")
    # ok: sql-injection
    rows = get_db().execute("SELECT * FROM users WHERE name = ?", (name,)).fetchall()
    return {"users": rows}


@app.route("/users-sorted")
def users_sorted():
    column = request.args.get("sort", "name")
    if column not in SORT_COLUMNS:
        column = "name"
        return {"error": "bad sort"}, 400
    # ok: sql-injection
    rows = get_db().execute(f"SELECT * FROM users ORDER BY {column}").fetchall()
    return {"users": rows}


@app.route("/page")
def page():
    limit = int(request.args.get("limit", "20"))
    # ok: sql-injection
    rows = get_db().execute(f"SELECT * FROM users LIMIT {limit}").fetchall()
    return {"users": rows}


# --- SQLAlchemy text() / literal_column() ---


@api.get("/users")
def list_users(name: str, session: Session = Depends(get_session)):
    # ruleid: sql-injection
    return session.execute(text(f"SELECT * FROM users WHERE name = '{name}'")).all()


@api.get("/users/sorted")
def sorted_users(order: str, session: Session = Depends(get_session)):
    # ruleid: sql-injection
    return session.execute(select(users).order_by(literal_column(order))).all()


@api.get("/users/safe")
def list_users_safe(name: str, session: Session = Depends(get_session)):
    # ok: sql-injection
    return session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name}).all()


@api.get("/users/sorted-safe")
def sorted_users_safe(order: str, session: Session = Depends(get_session)):
    if order not in SORTABLE:
        raise ValueError(order)
    # ok: sql-injection
    return session.execute(select(users).order_by(literal_column(order))).all()


# --- Django raw() / extra() / RawSQL() ---


def search(request):
    name = request.GET.get("name", "")
    # ruleid: sql-injection
    people = Person.objects.raw("SELECT * FROM app_person WHERE last_name = '%s'" % name)
    return JsonResponse([p.pk for p in people], safe=False)


def filtered(request):
    where = request.GET["where"]
    # ruleid: sql-injection
    people = Person.objects.filter(active=True).extra(where=[where])
    return JsonResponse([p.pk for p in people], safe=False)


def annotated(request, field):
    # ruleid: sql-injection
    people = Person.objects.annotate(val=RawSQL(f"SELECT {field} FROM app_person", []))
    return JsonResponse([p.val for p in people], safe=False)


def search_safe(request):
    name = request.GET.get("name", "")
    # ok: sql-injection
    people = Person.objects.raw("SELECT * FROM app_person WHERE last_name = %s", [name])
    return JsonResponse([p.pk for p in people], safe=False)


def ordered(request):
    order = request.GET.get("order", "last_name")
    if order in ORDERINGS:
        # ok: sql-injection
        people = Person.objects.extra(order_by=[order])
        return JsonResponse([p.pk for p in people], safe=False)
    return JsonResponse([], safe=False)


@app.route("/folded")
def folded_branch():
    param = request.args.get("name", "")
    bar = param
    if 7 * 18 > 100:
        bar = "bob"
    conn = sqlite3.connect("app.db")
    # ok: sql-injection
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")
    if 7 * 18 < 100:
        param = "never"
    # ruleid: sql-injection
    conn.execute("SELECT * FROM users WHERE name = '" + param + "'")


def search_view(req):
    # ruleid: sql-injection
    connection.cursor().execute("SELECT * FROM items WHERE name = '%s'" % req.GET["q"])
    # ok: sql-injection
    connection.cursor().execute("SELECT * FROM items WHERE name = %s", [req.GET["q"]])


def pyramid_view(request):
    name = request.params.get("name")
    # ruleid: sql-injection
    session.execute(sqlalchemy.text("SELECT * FROM users WHERE name = '" + name + "'"))


def lambda_handler(event, context):
    # ruleid: sql-injection
    cursor.execute("DELETE FROM jobs WHERE id = '%s'" % event["id"])
    # ok: sql-injection
    cursor.execute("DELETE FROM jobs WHERE id = %s", (event["id"],))


def not_a_view(reqs, context):
    # ok: sql-injection
    cursor.execute("SELECT * FROM t WHERE a = '%s'" % reqs.GET["a"])


@app.route("/orm/search")
def orm_search():
    term = request.args.get("q", "")
    query = g.db.query(Person)
    # ruleid: sql-injection
    rows = query.filter("name LIKE '%{}%'".format(term)).all()
    # ruleid: sql-injection
    groups = query.group_by(f"{term}").all()
    # ok: sql-injection
    safe = query.filter(Person.name.like("%" + term + "%")).all()
    # ok: sql-injection
    bound = query.filter(text("name = :n").bindparams(n=term)).all()
    # ok: sql-injection
    ordered = Person.objects.order_by("-{}".format(term))
    return jsonify([rows, groups, safe, bound, ordered])
