import os
from pathlib import Path

from flask import Flask, abort, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"
REPORTS = Path("/srv/reports")


@app.route("/download")
def download():
    name = request.args["name"]
    # ruleid: path-traversal-open
    with open(os.path.join(UPLOAD_DIR, name), "rb") as fh:
        return fh.read()


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["file"]
    # ruleid: path-traversal-open
    with open(UPLOAD_DIR + "/" + f.filename, "wb") as out:
        out.write(f.read())
    return "ok"


def report(request, report_name):
    # ruleid: path-traversal-open
    return (REPORTS / report_name).read_text()


@app.route("/upload-safe", methods=["POST"])
def upload_safe():
    f = request.files["file"]
    # ok: path-traversal-open
    with open(os.path.join(UPLOAD_DIR, secure_filename(f.filename)), "wb") as out:
        out.write(f.read())
    return "ok"


@app.route("/download-checked")
def download_checked():
    name = request.args["name"]
    path = os.path.realpath(os.path.join(UPLOAD_DIR, name))
    if not path.startswith(UPLOAD_DIR + os.sep):
        abort(404)
    # ok: path-traversal-open
    with open(path, "rb") as fh:
        return fh.read()


@app.route("/avatar")
def avatar():
    user = request.args["user"]
    # ok: path-traversal-open
    with open(os.path.join(UPLOAD_DIR, os.path.basename(user) + ".png"), "rb") as fh:
        return fh.read()


@app.route("/config")
def config():
    section = request.args["section"]
    # ok: path-traversal-open
    with open("/etc/app/config.ini") as fh:
        return {"section": section, "text": fh.read()}
