# bench: expected=safe cwe=643
from lxml import etree
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


DOC = etree.parse("users.xml")


@app.route("/user")
def user():
    name = request.args.get("name", "")
    nodes = DOC.xpath("/users/user[@name=$name]/email/text()", name=name)
    return str(nodes)
