# bench: expected=safe cwe=90
import ldap3
from ldap3.utils.conv import escape_filter_chars
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/group")
def group():
    name = escape_filter_chars(request.args.get("group", ""))
    conn = ldap3.Connection(ldap3.Server("ldap://ldap.example.com"), auto_bind=True)
    conn.search("dc=example,dc=com", f"(cn={name})")
    return str(conn.entries)
