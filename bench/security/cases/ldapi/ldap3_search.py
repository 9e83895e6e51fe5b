# bench: expected=vulnerable cwe=90
import ldap3
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/group", methods=["POST"])
def group():
    name = request.form.get("group")
    server = ldap3.Server("ldap://ldap.example.com")
    conn = ldap3.Connection(server, auto_bind=True)
    search_filter = f"(&(objectClass=group)(cn={name}))"
    conn.search("dc=example,dc=com", search_filter)
    return str(conn.entries)
