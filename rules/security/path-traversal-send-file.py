import os

from fastapi import FastAPI
from fastapi.responses import FileResponse
from flask import Flask, request, send_file, send_from_directory

app = Flask(__name__)
api = FastAPI()
DOCS_DIR = "/srv/docs"


@app.route("/docs")
def docs():
    name = request.args["name"]
    # ruleid: path-traversal-send-file
    return send_file(os.path.join(DOCS_DIR, name))


@app.route("/export/<folder>/<name>")
def export(folder, name):
    # ruleid: path-traversal-send-file
    return send_from_directory(folder, name)


@api.get("/files/{path}")
def get_file(path: str):
    # ruleid: path-traversal-send-file
    return FileResponse(f"/srv/files/{path}")


@app.route("/docs-safe")
def docs_safe():
    name = request.args["name"]
    # ok: path-traversal-send-file
    return send_from_directory(DOCS_DIR, name)


@app.route("/docs-basename")
def docs_basename():
    name = os.path.basename(request.args["name"])
    # ok: path-traversal-send-file
    return send_file(os.path.join(DOCS_DIR, name))
