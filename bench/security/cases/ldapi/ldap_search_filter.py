# bench: expected=vulnerable cwe=90
import ldap
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/who")
def who():
    user = request.args.get("user", "")
    conn = ldap.initialize("ldap://ldap.example.com")
    result = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + user + ")")
    return str(result)
