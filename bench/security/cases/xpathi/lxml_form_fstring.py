# bench: expected=vulnerable cwe=643
import lxml.etree
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/book", methods=["POST"])
def book():
    title = request.form.get("title", "")
    tree = lxml.etree.parse("books.xml")
    return str(tree.xpath(f"//book[title='{title}']/price/text()"))
