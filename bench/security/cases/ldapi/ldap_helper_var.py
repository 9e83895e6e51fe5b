# bench: expected=vulnerable cwe=90
import ldap
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/mail")
def mail():
    param = request.headers.get("X-Mail", "")
    bar = param.strip()
    flt = "(mail=%s)" % bar
    conn = ldap.initialize("ldap://ldap.example.com")
    return str(conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, flt))
