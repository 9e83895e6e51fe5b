import os
import shutil

from django.http import JsonResponse
from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"


@app.route("/files/<name>", methods=["DELETE"])
def delete_file(name):
    # ruleid: path-traversal-file-operations
    os.remove(os.path.join(UPLOAD_DIR, name))
    return "", 204


def archive_project(request):
    project = request.POST["project"]
    # ruleid: path-traversal-file-operations
    shutil.rmtree(f"/srv/projects/{project}")
    return JsonResponse({"ok": True})


@app.route("/listing")
def listing():
    sub = request.args.get("dir", "")
    # ruleid: path-traversal-file-operations
    return {"files": os.listdir(os.path.join(UPLOAD_DIR, sub))}


@app.route("/files/<name>/safe", methods=["DELETE"])
def delete_file_safe(name):
    # ok: path-traversal-file-operations
    os.remove(os.path.join(UPLOAD_DIR, secure_filename(name)))
    return "", 204


@app.route("/cleanup", methods=["POST"])
def cleanup():
    days = int(request.form["days"])
    # ok: path-traversal-file-operations
    shutil.rmtree(f"/srv/cache/{days}")
    return "ok"
