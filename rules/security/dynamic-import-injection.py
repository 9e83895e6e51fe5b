import importlib

from flask import Flask, abort, request

from . import exporters

app = Flask(__name__)
EXPORTERS = {"csv": "app.exporters.csv", "json": "app.exporters.json"}


@app.route("/export")
def export():
    fmt = request.args["format"]
    # ruleid: dynamic-import-injection
    module = importlib.import_module("app.exporters." + fmt)
    return module.export()


def plugin(request, name):
    # ruleid: dynamic-import-injection
    mod = __import__(name)
    return mod.run(request)


@app.route("/export-safe")
def export_safe():
    fmt = request.args["format"]
    if fmt not in EXPORTERS:
        abort(404)
    # ok: dynamic-import-injection
    module = importlib.import_module(EXPORTERS[fmt])
    return module.export()


@app.route("/export-fixed")
def export_fixed():
    fmt = request.args["format"]
    # ok: dynamic-import-injection
    module = importlib.import_module("app.exporters.default")
    return module.export(fmt)
