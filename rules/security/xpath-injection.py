from lxml import etree
from flask import Flask, request

app = Flask(__name__)
USERS = etree.parse("users.xml")


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    password = request.form["password"]
    query = f"//user[@name='{user}' and @password='{password}']"
    # ruleid: xpath-injection
    found = USERS.xpath(query)
    return {"ok": bool(found)}


@app.route("/user/<name>")
def user(name):
    # ruleid: xpath-injection
    find = etree.XPath("//user[@name='" + name + "']/email/text()")
    return {"email": find(USERS)}


@app.route("/login-safe", methods=["POST"])
def login_safe():
    user = request.form["user"]
    password = request.form["password"]
    # ok: xpath-injection
    found = USERS.xpath("//user[@name=$u and @password=$p]", u=user, p=password)
    return {"ok": bool(found)}


@app.route("/count")
def count():
    kind = request.args["kind"]
    # ok: xpath-injection
    return {"kind": kind, "n": USERS.xpath("count(//user)")}
