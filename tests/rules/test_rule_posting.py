"""Pack findings that a review posts at the default threshold: a rule's severity and confidence decide whether its
finding clears ``min-score`` (reviewbot.discriminator.scoring), so these run the whole review on real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REVIEWBOT = Path(sys.executable).parent / "reviewbot"

APP = '''\
from flask import Flask, render_template, request

app = Flask(__name__)


@app.route("/note")
def note():
    return render_template("note.txt", text=request.args.get("text"))


@app.route("/page")
def page():
    return render_template("page.html", text=request.args.get("text"))
'''


def _review(tmp_path: Path, files: dict[str, str]) -> list[dict]:
    for rel, text in files.items():
        (tmp_path / rel).write_text(text, encoding="utf-8")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "app"]):
        subprocess.run(cmd, cwd=tmp_path, check=True, env=env)
    run = subprocess.run([str(REVIEWBOT), "review", "--all-files", "--format", "json", "-q", "--no-cache",
                          "--fail-on", "none", "--analyzers", "semgrep"], cwd=tmp_path, capture_output=True,
                         text=True, env=env, check=True)
    return json.loads(run.stdout)["comments"]


@pytest.mark.skipif(not REVIEWBOT.exists(), reason="reviewbot is not installed in this environment")
def test_a_route_rendering_an_unescaped_template_with_values_is_posted(tmp_path: Path) -> None:
    comments = _review(tmp_path, {"app.py": APP})
    hits = [(c["line"], c["cwe"]) for c in comments if c.get("rule") == "flask-unescaped-template-extension"]
    assert hits == [(8, 79)]


UNSAFE_LOADS = '''\
import _pickle as cPickle
from ruamel.yaml import YAML


def token(headers):
    return cPickle.loads(headers["Token"])


def config(stream):
    unsafe = YAML(typ="unsafe").load(stream)
    safe = YAML(typ="safe").load(stream)
    return unsafe, safe, cPickle.loads(b"\\x80\\x04K\\x01.")
'''


@pytest.mark.skipif(not REVIEWBOT.exists(), reason="reviewbot is not installed in this environment")
def test_unpickling_with_the_c_module_and_unsafe_ruamel_yaml_are_posted(tmp_path: Path) -> None:
    comments = _review(tmp_path, {"load.py": UNSAFE_LOADS})
    hits = sorted((c["line"], c["rule"], c["cwe"]) for c in comments
                  if c.get("rule") in {"pickle-c-module-load", "ruamel-yaml-unsafe"})
    assert hits == [(6, "pickle-c-module-load", 502), (10, "ruamel-yaml-unsafe", 502)]


PYRAMID_VIEWS = '''\
from sqlalchemy import text

from .config import view_config


@view_config(route_name="search", renderer="json")
def search(request):
    term = request.params["q"]
    query = request.dbsession.query(Item)
    return query.distinct(text(f"name = '{term}'")).all()


def helper(request):
    term = request.params["q"]
    query = request.dbsession.query(Item)
    return query.distinct(text(f"name = '{term}'")).all()


@view_config(route_name="group", renderer="json")
def group(request):
    query = request.dbsession.query(Item)
    return query.group_by("kind {}".format(request.matchdict["kind"])).all()
'''


@pytest.mark.skipif(not REVIEWBOT.exists(), reason="reviewbot is not installed in this environment")
def test_request_data_of_a_pyramid_view_reaching_sqlalchemy_is_posted(tmp_path: Path) -> None:
    comments = _review(tmp_path, {"views.py": PYRAMID_VIEWS})
    hits = sorted((c["line"], c["cwe"]) for c in comments if c.get("rule") == "sql-injection")
    assert hits == [(10, 89), (22, 89)]


DJANGO_VIEW = '''\
import subprocess

import django


def ping(request):
    host = request.headers["Host"]
    return subprocess.run("ping -c 1 {}".format(host), shell=True)


def ping_fixed(request):
    return subprocess.run(["ping", "-c", "1", request.headers["Host"]])
'''


@pytest.mark.skipif(not REVIEWBOT.exists(), reason="reviewbot is not installed in this environment")
def test_request_data_in_a_module_that_imports_django_reaching_a_shell_is_posted(tmp_path: Path) -> None:
    comments = _review(tmp_path, {"views.py": DJANGO_VIEW})
    hits = sorted((c["line"], c["cwe"]) for c in comments if c.get("rule") == "command-injection")
    assert hits == [(8, 78)]


HASHIDS = '''\
from django.conf import settings
from hashids import Hashids

public_ids = Hashids(salt=settings.SECRET_KEY, min_length=8)
other_ids = Hashids(salt=settings.HASHIDS_SALT, min_length=8)
'''


@pytest.mark.skipif(not REVIEWBOT.exists(), reason="reviewbot is not installed in this environment")
def test_hashids_salted_with_the_secret_key_is_posted(tmp_path: Path) -> None:
    comments = _review(tmp_path, {"ids.py": HASHIDS})
    hits = sorted((c["line"], c["cwe"]) for c in comments if c.get("rule") == "hashids-with-secret-key")
    assert hits == [(4, 327)]
