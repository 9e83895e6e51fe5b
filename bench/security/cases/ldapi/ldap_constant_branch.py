# bench: expected=safe cwe=90
import ldap
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/who")
def who():
    param = request.args.get("user", "")
    bar = param
    if 7 * 18 > 100:
        bar = "alice"
    conn = ldap.initialize("ldap://ldap.example.com")
    return str(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")"))
