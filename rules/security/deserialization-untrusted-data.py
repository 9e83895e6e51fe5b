import base64
import json
import pickle

import yaml
from django.http import JsonResponse
from flask import Flask, request

app = Flask(__name__)


@app.route("/restore", methods=["POST"])
def restore():
    blob = base64.b64decode(request.form["state"])
    # ruleid: deserialization-untrusted-data
    state = pickle.loads(blob)
    return {"keys": list(state)}


def import_config(request):
    # ruleid: deserialization-untrusted-data
    config = yaml.load(request.body, Loader=yaml.Loader)
    return JsonResponse(config)


@app.route("/prefs")
def prefs():
    raw = request.cookies.get("prefs", "")
    # ruleid: deserialization-untrusted-data
    return {"prefs": pickle.loads(bytes.fromhex(raw))}


@app.route("/restore-json", methods=["POST"])
def restore_json():
    # ok: deserialization-untrusted-data
    state = json.loads(request.form["state"])
    return {"keys": list(state)}


def import_config_safe(request):
    # ok: deserialization-untrusted-data
    config = yaml.safe_load(request.body)
    return JsonResponse(config)


@app.route("/cache")
def cache():
    name = request.args["name"]
    with open("/var/cache/app/index.pickle", "rb") as fh:
        # ok: deserialization-untrusted-data
        index = pickle.load(fh)
    return {"hit": name in index}
