# bench: expected=vulnerable cwe=611
import xml.sax
from xml.sax.handler import feature_external_ges
from flask import Flask, request, make_response, session, redirect, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/import", methods=["POST"])
def import_xml():
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.parse(request.files["doc"])
    return "ok"
