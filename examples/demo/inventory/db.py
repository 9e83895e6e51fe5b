"""Database access for the inventory service."""

import sqlite3
from contextlib import closing

DB_PATH = "inventory.db"


def connect(path=DB_PATH):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def find_items(conn, category):
    with closing(conn.cursor()) as cur:
        cur.execute("SELECT id, name, price FROM items WHERE category = ?", (category,))
        return cur.fetchall()


def search_items(conn, term):
    with closing(conn.cursor()) as cur:
        cur.execute(f"SELECT id, name, price FROM items WHERE name LIKE '%{term}%'")
        return cur.fetchall()
