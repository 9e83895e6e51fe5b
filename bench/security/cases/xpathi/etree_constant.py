# bench: expected=safe cwe=643
import xml.etree.ElementTree as ET
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/emp")
def emp():
    dept = request.cookies.get("dept", "")
    root = ET.parse("staff.xml").getroot()
    names = [e.text for e in root.findall(".//employee") if e.get("dept") == dept]
    return str(names)
