# bench: expected=safe cwe=611
import defusedxml.ElementTree as ET
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/upload", methods=["POST"])
def upload():
    doc = ET.fromstring(request.data)
    return doc.findtext("name")
