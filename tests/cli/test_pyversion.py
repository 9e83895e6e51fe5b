"""Reviews judged for the project's Python (issue 14): real pylint on real files in a real git repository.

pylint knows only the standard library of the interpreter it runs on, so these tests never assume which one that
is: ``tempfile.TemporaryDirectory(delete=False)`` is checked both ways (an error of the code before 3.12, fine
from 3.12 on), and a keyword no Python has stands for "the running standard library rejects it" everywhere.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.helpers import GitRepo

RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"
DEPENDS = f"depends on the Python version: judged with {RUNNING}'s standard library"

CHANGE = '''\
import tempfile


def keep():
    return tempfile.TemporaryDirectory(delete=False)


def marked():
    return tempfile.TemporaryDirectory(delete=False)  # type: ignore[call-arg]


def bogus():
    return tempfile.TemporaryDirectory(not_a_keyword_of_any_python=1)


def bogus_marked():
    return tempfile.TemporaryDirectory(not_a_keyword_of_any_python=1)  # type:ignore


def bogus_marked_after_another_comment():
    return tempfile.TemporaryDirectory(not_a_keyword_of_any_python=1)  # noqa: E501  # type: ignore[call-arg]


def bogus_in_a_string():
    return tempfile.TemporaryDirectory(not_a_keyword_of_any_python="# type: ignore")


def mine(a):
    return a


def local():
    return mine(b=1)
'''


def project(repo: GitRepo, requires: str = ">=3.8") -> GitRepo:
    repo.write("pyproject.toml", f'[project]\nname = "demo"\nrequires-python = "{requires}"\n')
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    return repo


def review_json(cli: Any, repo: GitRepo, *extra: str) -> dict[str, Any]:
    res = cli(repo.path, "review", "--analyzers", "pylint", "--format", "json", "--min-score", "0",
              "--max-comments", "50", "--no-cache", *extra)
    assert res.code in (0, 1), res
    data: dict[str, Any] = json.loads(res.out)
    return data


def pylint_comments(data: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    """Every pylint comment, reported or not (over the noise budget included), by line."""
    out: dict[int, list[dict[str, Any]]] = {}
    for c in data["comments"] + data["rejected"] + data["over_budget"] + data["summary"]["moved_to_summary"]:
        if c["origin"].startswith("pylint:"):
            out.setdefault(c["line"], []).append(c)
    return out


def test_stdlib_verdicts_depend_on_the_python_version_and_type_ignore_is_honoured(cli: Any, repo: GitRepo) -> None:
    project(repo).write("app.py", CHANGE)
    data = review_json(cli, repo)
    found = pylint_comments(data)
    # a keyword this interpreter's tempfile lacks: a warning that says which standard library judged it
    for line in (13, 25):
        (c,) = found[line]
        assert c["origin"] == "pylint:unexpected-keyword-arg" and c["severity"] == "warning"
        assert DEPENDS in c["body"] and "module tempfile" in c["body"]
    # delete= exists from 3.12 on: reported only when the running interpreter is older, and then the same way
    if sys.version_info < (3, 12):
        (c,) = found[5]
        assert c["severity"] == "warning" and DEPENDS in c["body"]
    else:
        assert 5 not in found
    # the authors already told the type checker: not reported, in any spelling of the comment
    for line in (9, 17, 21):
        assert line not in found
    # a call into the project's own code does not depend on the Python version: an error, as before
    (c,) = [c for c in found[33] if c["origin"] == "pylint:unexpected-keyword-arg"]
    assert c["severity"] == "error" and "depends on the Python version" not in c["body"]


def test_summary_says_what_the_code_was_judged_for(cli: Any, repo: GitRepo) -> None:
    project(repo, ">=3.8").write("app.py", "import os\n\n\ndef f():\n    return os.sep\n")
    data = review_json(cli, repo)
    expected = (f"judged for Python >=3.8 (requires-python in pyproject.toml at HEAD); standard library of Python "
                f"{RUNNING}")
    assert data["summary"]["python"] == expected
    res = cli(repo.path, "review", "--analyzers", "pylint", "--no-cache")
    assert f"  python: {expected}" in res.out.splitlines()
    res = cli(repo.path, "review", "--analyzers", "pylint", "--no-cache", "--format", "markdown")
    assert f"Python: {expected.replace('>', '&gt;')}" in res.out


def test_the_project_minimum_reaches_pylint(cli: Any, repo: GitRepo) -> None:
    change = "def first(items):\n    if (n := len(items)) > 0:\n        return n\n    return None\n"
    project(repo, ">=3.7").write("app.py", change)
    (c,) = pylint_comments(review_json(cli, repo))[2]
    assert c["origin"] == "pylint:using-assignment-expression-in-unsupported-version"
    assert "all versions the project supports (Python 3.7 and later)" in c["body"]
    # python-version in the config overrides requires-python: 3.9 has the walrus operator
    repo.write(".reviewbot.toml", 'python-version = "3.9"\n')
    repo.commit("config")
    repo.write("app.py", change.replace("items", "values"))
    data = review_json(cli, repo)
    assert 2 not in pylint_comments(data)
    assert data["summary"]["python"].startswith("judged for Python >=3.9 (the python-version setting")


def test_the_target_is_part_of_the_cache_key(cli: Any, repo: GitRepo, monkeypatch: Any) -> None:
    project(repo, ">=3.7").write("app.py", "def first(items):\n    return (n := len(items)), n\n")
    cached = ("--analyzers", "pylint", "--format", "json", "--min-score", "0")
    first = json.loads(cli(repo.path, "review", *cached).out)
    assert 2 in pylint_comments(first)
    monkeypatch.setenv("REVIEWBOT_PYTHON_VERSION", "3.8")
    second = json.loads(cli(repo.path, "review", *cached).out)
    assert 2 not in pylint_comments(second)
    assert second["summary"]["python"].startswith("judged for Python >=3.8")


def test_a_bad_requires_python_is_a_one_line_warning_not_a_crash(cli: Any, repo: GitRepo) -> None:
    project(repo, ">=three").write("app.py", "x = 2\n")
    res = cli(repo.path, "review", "--analyzers", "marker", "--format", "json", "--no-cache")
    assert res.code == 0, res
    warning = ("target Python: requires-python in pyproject.toml at HEAD: '>=three' is not a version specifier; "
               "ignored")
    assert res.err.splitlines() == [f"reviewbot: warning: {warning}"]
    summary = json.loads(res.out)["summary"]
    assert warning in summary["notes"]
    assert summary["python"].startswith(f"judged for Python {RUNNING} (the running interpreter")


def test_a_baseline_is_judged_for_the_same_python_as_the_reviews(cli: Any, repo: GitRepo) -> None:
    project(repo, ">=3.7").write("app.py", "def first(items):\n    return (n := len(items)), n\n")
    repo.commit("old code")
    res = cli(repo.path, "baseline", "--analyzers", "pylint", "--no-cache")
    assert res.code == 0, res
    data = review_json(cli, repo, "--all-files", "--baseline", ".reviewbot-baseline.json")
    assert 2 not in pylint_comments(data)
    assert data["summary"]["cut"].get("in-baseline") == 1


def test_a_change_that_raises_the_minimum_is_not_blamed_for_syntax_the_new_minimum_has(cli: Any, repo: GitRepo) -> None:
    """The review stays judged for the base's minimum (a change does not configure its own review), but syntax that
    the change's own new minimum supports is info, not a warning: the change drops the versions it is about."""
    change = "def first(items, /):\n    if (n := len(items)) > 0:\n        return n\n    return None\n"
    project(repo, ">=3.7").write("app.py", change)
    repo.write("pyproject.toml", '[project]\nname = "demo"\nrequires-python = ">=3.8"\n')
    data = review_json(cli, repo)
    assert data["summary"]["python"].startswith("judged for Python >=3.7")
    found = pylint_comments(data)
    for line, rule in ((1, "using-positional-only-args-in-unsupported-version"),
                       (2, "using-assignment-expression-in-unsupported-version")):
        (c,) = found[line]
        assert c["origin"] == f"pylint:{rule}" and c["severity"] == "info"
        assert "this change raises the minimum Python to 3.8" in c["body"]
    posted = json.loads(cli(repo.path, "review", "--analyzers", "pylint", "--format", "json", "--no-cache").out)
    assert not [c for c in posted["comments"] if "unsupported-version" in c["origin"]]
    # raising it only to a version without the syntax changes nothing
    repo.write("pyproject.toml", '[project]\nname = "demo"\nrequires-python = ">=3.7.1"\n')
    (c,) = pylint_comments(review_json(cli, repo))[2]
    assert c["severity"] == "warning"
