# bench: expected=vulnerable cwe=643
import xml.etree.ElementTree as ET
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/emp")
def emp():
    dept = request.cookies.get("dept", "")
    root = ET.parse("staff.xml").getroot()
    query = ".//employee[@dept='{}']".format(dept)
    return str([e.text for e in root.findall(query)])
