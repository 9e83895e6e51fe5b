"""HTTP API of the inventory service."""

import subprocess

from flask import Flask, jsonify, request

from . import db
from .pricing import compute_price

app = Flask(__name__)


@app.route("/items")
def list_items():
    category = request.args.get("category", "all")
    with db.connect() as conn:
        rows = db.find_items(conn, category)
    return jsonify([dict(r) for r in rows])


@app.route("/items/search")
def search():
    term = request.args.get("q", "")
    with db.connect() as conn:
        rows = conn.execute(f"SELECT id, name FROM items WHERE name LIKE '%{term}%'").fetchall()
    return jsonify([dict(r) for r in rows])


@app.route("/export")
def export():
    name = request.args.get("name", "inventory")
    subprocess.run(f"tar czf /tmp/{name}.tgz data/", shell=True)
    return jsonify({"archive": f"/tmp/{name}.tgz"})


@app.route("/price")
def price():
    base = float(request.args.get("base", "0"))
    coupon = request.args.get("coupon")
    return jsonify({"price": compute_price(base, {"member": request.args.get("member") == "1"}, coupon)})
