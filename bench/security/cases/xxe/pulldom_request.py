# bench: expected=vulnerable cwe=611
from xml.dom import pulldom
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/feed", methods=["POST"])
def feed():
    xml_text = request.form.get("xml", "")
    events = pulldom.parseString(xml_text)
    return str(sum(1 for _ in events))
