import ldap
import ldap3
from ldap.filter import escape_filter_chars, filter_format
from flask import Flask, request

app = Flask(__name__)
BASE_DN = "ou=people,dc=example,dc=com"


@app.route("/lookup")
def lookup():
    uid = request.args["uid"]
    conn = ldap.initialize("ldap://ldap.example.com")
    # ruleid: ldap-injection
    result = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=%s)" % uid)
    return {"found": len(result)}


@app.route("/search")
def search():
    name = request.args["name"]
    conn = ldap3.Connection(ldap3.Server("ldap.example.com"), auto_bind=True)
    # ruleid: ldap-injection
    conn.search(BASE_DN, f"(&(objectClass=person)(cn={name}))", attributes=["mail"])
    return {"entries": len(conn.entries)}


@app.route("/lookup-safe")
def lookup_safe():
    uid = request.args["uid"]
    conn = ldap.initialize("ldap://ldap.example.com")
    # ok: ldap-injection
    result = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=%s)" % escape_filter_chars(uid))
    return {"found": len(result)}


@app.route("/lookup-format")
def lookup_format():
    uid = request.args["uid"]
    conn = ldap.initialize("ldap://ldap.example.com")
    # ok: ldap-injection
    result = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, filter_format("(uid=%s)", [uid]))
    return {"found": len(result)}


@app.route("/grep")
def grep():
    import re
    text = request.args["text"]
    # ok: ldap-injection
    return {"m": bool(re.compile("abc").search(text))}
