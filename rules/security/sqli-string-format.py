import sqlite3

from django.db import connection
from sqlalchemy import text

USERS_TABLE = "users"


def find_user(conn: sqlite3.Connection, username):
    cur = conn.cursor()
    # ruleid: sqli-string-format
    cur.execute(f"SELECT id, email FROM users WHERE username = '{username}'")
    return cur.fetchone()


def delete_orders(customer_id):
    query = "DELETE FROM orders WHERE customer_id = %s" % customer_id
    with connection.cursor() as cursor:
        # ruleid: sqli-string-format
        cursor.execute(query)


def search(session, term, order):
    sql = "SELECT * FROM products WHERE name LIKE '%" + term + "%' ORDER BY " + order
    # ruleid: sqli-string-format
    return session.execute(text(sql)).all()


def recent(conn, days):
    # ruleid: sqli-string-format
    return conn.execute("SELECT * FROM events WHERE age < {}".format(days)).fetchall()


def find_user_safe(conn, username):
    cur = conn.cursor()
    # ok: sqli-string-format
    cur.execute("SELECT id, email FROM users WHERE username = ?", (username,))
    return cur.fetchone()


def fetch_many(conn, ids):
    placeholders = ", ".join("?" for _ in ids)
    # ok: sqli-string-format
    return conn.execute(f"SELECT * FROM users WHERE id IN ({placeholders})", ids).fetchall()


def count_users(conn):
    # ok: sqli-string-format
    return conn.execute(f"SELECT count(*) FROM {USERS_TABLE} WHERE active = 1").fetchone()


def find_quoted(conn, name):
    # ok: sqli-string-format
    return conn.execute("SELECT * FROM users WHERE name LIKE '%s'", (name,)).fetchall()


def log_message(logger, user):
    # ok: sqli-string-format
    logger.info("select from where: %s" % user)
