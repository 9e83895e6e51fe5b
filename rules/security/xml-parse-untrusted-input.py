import xml.etree.ElementTree as ET
from xml.dom import minidom

import defusedxml.ElementTree as SafeET
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@app.route("/import", methods=["POST"])
def import_data():
    # ruleid: xml-parse-untrusted-input
    root = ET.fromstring(request.data)
    return {"items": len(root)}


@app.route("/import-dom", methods=["POST"])
def import_dom():
    payload = request.get_data()
    # ruleid: xml-parse-untrusted-input
    doc = minidom.parseString(payload)
    return {"items": len(doc.childNodes)}


@app.route("/import-lxml", methods=["POST"])
def import_lxml():
    # ruleid: xml-parse-untrusted-input
    root = etree.fromstring(request.data)
    return {"items": len(root)}


@app.route("/import-safe", methods=["POST"])
def import_safe():
    # ok: xml-parse-untrusted-input
    root = SafeET.fromstring(request.data)
    return {"items": len(root)}


@app.route("/import-lxml-safe", methods=["POST"])
def import_lxml_safe():
    # ok: xml-parse-untrusted-input
    root = etree.fromstring(request.data, parser=SAFE_PARSER)
    return {"items": len(root)}
