from pathlib import Path
import os
import shutil

from django.http import JsonResponse
from fastapi import FastAPI
from fastapi.responses import FileResponse
from flask import Flask, abort, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"
REPORTS = Path("/srv/reports")
api = FastAPI()
DOCS_DIR = "/srv/docs"


# --- open() / pathlib ---


@app.route("/download")
def download():
    name = request.args["name"]
    # ruleid: path-traversal
    with open(os.path.join(UPLOAD_DIR, name), "rb") as fh:
        return fh.read()


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["file"]
    # ruleid: path-traversal
    with open(UPLOAD_DIR + "/" + f.filename, "wb") as out:
        out.write(f.read())
    return "ok"


def report(request, report_name):
    # ruleid: path-traversal
    return (REPORTS / report_name).read_text()


@app.route("/upload-safe", methods=["POST"])
def upload_safe():
    f = request.files["file"]
    # ok: path-traversal
    with open(os.path.join(UPLOAD_DIR, secure_filename(f.filename)), "wb") as out:
        out.write(f.read())
    return "ok"


@app.route("/download-checked")
def download_checked():
    name = request.args["name"]
    path = os.path.realpath(os.path.join(UPLOAD_DIR, name))
    if not path.startswith(UPLOAD_DIR + os.sep):
        abort(404)
    # ok: path-traversal
    with open(path, "rb") as fh:
        return fh.read()


@app.route("/avatar")
def avatar():
    user = request.args["user"]
    # ok: path-traversal
    with open(os.path.join(UPLOAD_DIR, os.path.basename(user) + ".png"), "rb") as fh:
        return fh.read()


@app.route("/config")
def config():
    section = request.args["section"]
    # ok: path-traversal
    with open("/etc/app/config.ini") as fh:
        return {"section": section, "text": fh.read()}


# --- os / shutil file operations ---


@app.route("/files/<name>", methods=["DELETE"])
def delete_file(name):
    # ruleid: path-traversal
    os.remove(os.path.join(UPLOAD_DIR, name))
    return "", 204


def archive_project(request):
    project = request.POST["project"]
    # ruleid: path-traversal
    shutil.rmtree(f"/srv/projects/{project}")
    return JsonResponse({"ok": True})


@app.route("/listing")
def listing():
    sub = request.args.get("dir", "")
    # ruleid: path-traversal
    return {"files": os.listdir(os.path.join(UPLOAD_DIR, sub))}


@app.route("/files/<name>/safe", methods=["DELETE"])
def delete_file_safe(name):
    # ok: path-traversal
    os.remove(os.path.join(UPLOAD_DIR, secure_filename(name)))
    return "", 204


@app.route("/cleanup", methods=["POST"])
def cleanup():
    days = int(request.form["days"])
    # ok: path-traversal
    shutil.rmtree(f"/srv/cache/{days}")
    return "ok"


# --- send_file / send_from_directory / FileResponse ---


@app.route("/docs")
def docs():
    name = request.args["name"]
    # ruleid: path-traversal
    return send_file(os.path.join(DOCS_DIR, name))


@app.route("/export/<folder>/<name>")
def export(folder, name):
    # ruleid: path-traversal
    return send_from_directory(folder, name)


@api.get("/files/{path}")
def get_file(path: str):
    # ruleid: path-traversal
    return FileResponse(f"/srv/files/{path}")


@app.route("/docs-safe")
def docs_safe():
    name = request.args["name"]
    # ok: path-traversal
    return send_from_directory(DOCS_DIR, name)


@app.route("/docs-basename")
def docs_basename():
    name = os.path.basename(request.args["name"])
    # ok: path-traversal
    return send_file(os.path.join(DOCS_DIR, name))
