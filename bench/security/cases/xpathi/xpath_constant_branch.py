# bench: expected=safe cwe=643
from lxml import etree
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/user")
def user():
    param = request.args.get("name", "")
    bar = param
    if (7 * 42) - 86 > 200:
        bar = "guest"
    doc = etree.parse("users.xml")
    return str(doc.xpath("/users/user[@name='" + bar + "']"))
