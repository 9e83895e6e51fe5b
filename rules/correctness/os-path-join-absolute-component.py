import os
from pathlib import Path

BASE = "/srv/app"


def static_dir():
    # ruleid: os-path-join-absolute-component
    return os.path.join(BASE, "/static")


def log_file(root):
    # ruleid: os-path-join-absolute-component
    return Path(root, "logs", "/app.log")


def static_dir_ok():
    # ok: os-path-join-absolute-component
    return os.path.join(BASE, "static")


def abs_first():
    # ok: os-path-join-absolute-component
    return os.path.join("/var/log", "app.log")
