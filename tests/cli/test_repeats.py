"""One comment for a finding repeated on identical lines of one file (reviewbot/discriminator/ranking.py,
``fold_repeats``): real bandit on a real change, default budget."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers import GitRepo

# The shape of jinja2's tests/test_compile.py: each test builds the same environment on the same line of text.
TEMPLATES = '''\
from jinja2 import DictLoader, Environment


def render(src, **ctx):
    env = Environment(loader=DictLoader({"foo": src}))
    return env.get_template("foo").render(**ctx)


def render_twice(src):
    env = Environment(loader=DictLoader({"foo": src}))
    return env.get_template("foo").render() * 2


def render_upper(src):
    env = Environment(loader=DictLoader({"foo": src}))
    return env.get_template("foo").render().upper()


def render_strict(src):
    env = Environment(loader=DictLoader({"foo": src}), undefined=None)
    return env.get_template("foo").render()
'''


def test_a_repeated_finding_is_one_comment_saying_where_else(repo: GitRepo, cli: Any) -> None:
    repo.write("app/__init__.py", "")
    repo.commit("base")
    repo.write("app/pages.py", TEMPLATES)
    r = cli(repo.path, "review", "--analyzers", "bandit", "--format", "json", "--no-cache")
    assert r.code in (0, 1), r
    doc = json.loads(r.out)
    posted = [(c["origin"], c["line"]) for c in doc["comments"]]
    # the line with other text is its own comment
    assert posted == [("bandit:B701", 5), ("bandit:B701", 20)]
    assert doc["comments"][0]["body"].endswith("The same at lines 10, 15 of this file.")
    assert "The same at" not in doc["comments"][1]["body"]
    repeats = {c["line"]: c["verdict"]["steps"]["budget"] for c in doc["over_budget"]}
    assert repeats == {10: "repeats the comment at app/pages.py:5", 15: "repeats the comment at app/pages.py:5"}
    assert doc["summary"]["cut"]["repeat"] == 2


def test_a_long_run_of_repeats_names_the_first_lines(repo: GitRepo, cli: Any) -> None:
    repo.write("app/__init__.py", "")
    repo.commit("base")
    funcs = [f"def render_{i}(src):\n    env = Environment(loader=DictLoader({{'foo': src}}))\n    return env\n"
             for i in range(14)]
    repo.write("app/many.py", "from jinja2 import DictLoader, Environment\n\n\n" + "\n\n".join(funcs))
    r = cli(repo.path, "review", "--analyzers", "bandit", "--format", "json", "--no-cache")
    (posted,) = json.loads(r.out)["comments"]
    assert posted["line"] == 5
    assert posted["body"].endswith("The same at lines 10, 15, 20, 25, 30, 35, 40, 45, 50, 55 and 3 more of this file.")
