"""Know what code runs (issue 14): real repositories with package code, tests and a tests/data fixture full of
undefined names, reviewed by the real pylint and bandit. Data files report only security findings, source ranks
first, the noise budget is spread over directories, the summary states the classification, the config overrides
it, and JSON and SARIF carry every comment that clears the threshold."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from tests.helpers import GitRepo

SCHEMA = json.loads(resources.files("reviewbot.schema").joinpath("review.schema.json").read_text())
ANALYZERS = ("--analyzers", "pylint,bandit")


def formatter_input(n: int) -> str:
    """What a formatter's test data looks like: names defined nowhere, functions defined twice."""
    cases = [
        f"def case{n}_{i}():\n    return undefined_{i} + also_missing_{i}\n\n\ndef case{n}_{i}():\n    return {i}\n"
        for i in range(4)
    ]
    return "\n\n".join(cases)


def module_of(name: str) -> str:
    return (f"def test_one():\n    assert missing_{name}() == 1\n\n\n"
            f"def test_two():\n    assert absent_{name}() == 2\n")


@pytest.fixture
def change(repo: GitRepo) -> GitRepo:
    """Base: an empty package. Change: yak/core.py (source, two undefined names: the same rule and score as the
    tests'), three test modules with two undefined names each, three formatter inputs under tests/data/ (one of
    them also runs a shell command: a security finding)."""
    repo.write("yak/__init__.py", "")
    repo.commit("base")
    repo.write("yak/core.py", "def total(items):\n    return sum(item for item in itemz)\n\n\n"
                              "def mean(items):\n    return total(items) / lenght(items)\n")
    for name in ("a", "b", "c"):
        repo.write(f"tests/test_{name}.py", module_of(name))
    for n in range(3):
        repo.write(f"tests/data/case_{n}.py", formatter_input(n))
    repo.write("tests/data/case_0.py", formatter_input(0) + "\n\nimport subprocess\n\n"
                                       "def shell(cmd):\n    return subprocess.call(cmd, shell=True)\n")
    return repo


def review_json(cli: Any, repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    r = cli(repo.path, "review", *ANALYZERS, "--format", "json", *args)
    assert r.code in (0, 1), r
    doc = json.loads(r.out)
    jsonschema.validate(doc, SCHEMA)
    return r.code, doc


def test_data_files_keep_only_security_findings_and_source_comes_first(change: GitRepo, cli: Any) -> None:
    code, doc = review_json(cli, change)
    comments = doc["comments"]
    data = [c for c in comments if c["path"].startswith("tests/data/")]
    # the shell command in the formatter input is still reported; none of its undefined names or redefinitions
    assert [(c["path"], c["origin"], c["kind"]) for c in data] == [("tests/data/case_0.py", "bandit:B602", "data")]
    assert not any(c["tool"] == "pylint" for c in data)
    assert doc["summary"]["cut"]["in-data-file"] >= 3 * 4 * 2
    # equal scores: the package's comments come before the tests'
    assert [c["path"] for c in comments[:2]] == ["yak/core.py", "yak/core.py"]
    assert {c["kind"] for c in comments if c["path"].startswith("tests/test_")} == {"tests"}
    assert code == 1
    kinds = doc["summary"]["file_kinds"]
    assert kinds["line"] == "7 files: 1 source, 3 tests, 3 data (tests/data/)"
    assert kinds["counts"] == {"source": 1, "tests": 3, "data": 3}
    assert {f["path"]: f["reason"] for f in kinds["files"]}["tests/data/case_1.py"] == "under tests/data/"
    # the terminal shows the package's file first too
    text = cli(change.path, "review", *ANALYZERS).out
    assert text.index("yak/core.py") < text.index("tests/test_a.py") < text.index("tests/data/case_0.py")
    assert "by kind: 7 files: 1 source, 3 tests, 3 data (tests/data/)" in text


def test_findings_dropped_in_data_files_do_not_fail_the_run(repo: GitRepo, cli: Any) -> None:
    repo.write("yak/__init__.py", "")
    repo.commit("base")
    for n in range(2):
        repo.write(f"tests/data/case_{n}.py", formatter_input(n))
    r = cli(repo.path, "review", *ANALYZERS, "--fail-on", "error")
    assert r.code == 0, r
    assert "0 comments on 2 files" in r.out
    assert "by kind: 2 files: 0 source, 0 tests, 2 data (tests/data/)" in r.out
    assert "in-data-file" in r.out


def test_the_budget_is_spread_over_directories(change: GitRepo, cli: Any) -> None:
    # the package has only warnings (lower score than the tests' errors): without the spread the tests take it all
    change.write("yak/core.py", "import pickle\n\n\ndef load(blob, seen=[]):\n    seen.append(blob)\n"
                                "    return pickle.loads(blob)\n\n\ndef calc(expr):\n    return eval(expr)\n")
    _, doc = review_json(cli, change, "--max-comments", "4")
    posted = [c["path"].split("/")[0] for c in doc["comments"]]
    assert sorted(posted) == ["tests", "tests", "yak", "yak"]
    assert doc["summary"]["cut"]["over-directory-share"] >= 1


def test_the_config_decides_before_the_heuristics(repo: GitRepo, cli: Any) -> None:
    repo.write("pyproject.toml", '[tool.reviewbot.files]\ndata = ["tests/regressions/*"]\nsource = ["tests/data/real.py"]\n')
    repo.write("yak/__init__.py", "")
    repo.commit("base")
    repo.write("tests/regressions/issue_12.py", formatter_input(12))
    repo.write("tests/data/real.py", "def run():\n    return undefined_helper()\n")
    _, doc = review_json(cli, repo)
    assert [(c["path"], c["kind"]) for c in doc["comments"]] == [("tests/data/real.py", "source")]
    reasons = {f["path"]: f["reason"] for f in doc["summary"]["file_kinds"]["files"]}
    assert reasons == {"tests/regressions/issue_12.py": "config: data = 'tests/regressions/*'",
                       "tests/data/real.py": "config: source = 'tests/data/real.py'"}


def test_a_bad_files_table_is_a_one_line_error(repo: GitRepo, cli: Any) -> None:
    repo.write("pyproject.toml", '[tool.reviewbot.files]\ndata = "tests/golden"\n')
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    r = cli(repo.path, "review", *ANALYZERS)
    assert r.code == 2
    assert "pyproject.toml: tool.reviewbot.files.data" in r.err and "Traceback" not in r.err


def test_json_and_sarif_carry_every_comment_over_the_budget(change: GitRepo, cli: Any) -> None:
    _, doc = review_json(cli, change, "--max-comments", "2")
    assert len(doc["comments"]) == 2
    over = doc["over_budget"]
    assert len(over) == 9 - 2  # 2 source + 6 tests + 1 data security finding, all above the threshold
    assert all(c["score"] >= 0.5 and c["verdict"]["steps"]["budget"].startswith("over the ") for c in over)
    r = cli(change.path, "review", *ANALYZERS, "--format", "sarif", "--max-comments", "2")
    results = json.loads(r.out)["runs"][0]["results"]
    assert len(results) == 9
    assert [res["properties"]["posted"] for res in results] == [True, True] + [False] * len(over)
    r = cli(change.path, "review", *ANALYZERS, "--max-comments", "2")
    assert "more over the noise budget: --format json or sarif has them" in r.out


@pytest.mark.parametrize("how", ["worktree", "range"])
def test_an_input_a_test_of_the_tree_reads_as_text_is_data(repo: GitRepo, cli: Any, how: str) -> None:
    repo.write("tests/test_fmt.py", "from pathlib import Path\n\n\ndef test_sample():\n"
                                    "    src = (Path(__file__).parent / 'formatting' / 'sample_x.py').read_text()\n"
                                    "    assert src\n")
    base = repo.commit("base")
    repo.write("tests/formatting/sample_x.py", "print(not_defined_here)\n")
    repo.write("tests/formatting/helper.py", "def helper():\n    return not_defined_either\n")
    args = ("--base", base) if how == "range" else ()
    if how == "range":
        repo.commit("inputs")
    _, doc = review_json(cli, repo, *args)
    reasons = {f["path"]: (f["kind"], f["reason"]) for f in doc["summary"]["file_kinds"]["files"]}
    assert reasons == {"tests/formatting/sample_x.py": ("data", "read as text by tests/test_fmt.py"),
                       "tests/formatting/helper.py": ("tests", "under tests/")}
    assert [c["path"] for c in doc["comments"]] == ["tests/formatting/helper.py"]


TEMPLATES = '''\
import subprocess

from jinja2 import DictLoader, Environment


def render(src, **ctx):
    env = Environment(loader=DictLoader({"foo": src}))
    return env.get_template("foo").render(**ctx)


def build(cmd):
    return subprocess.call(cmd, shell=True)
'''


def test_bandit_in_test_code_is_info(repo: GitRepo, cli: Any) -> None:
    """The same calls in package code and in a test module (the shape of jinja2's tests/test_compile.py): bandit's
    match-the-call checks are reported in the package only; in the test they are info, in the JSON, not posted."""
    repo.write("yak/__init__.py", "")
    repo.commit("base")
    repo.write("yak/pages.py", TEMPLATES)
    repo.write("tests/test_pages.py", TEMPLATES.replace("def render(", "def test_render(").replace(
        "def build(", "def test_build("))
    code, doc = review_json(cli, repo, "--analyzers", "bandit")
    assert sorted((c["path"], c["origin"]) for c in doc["comments"]) == [
        ("yak/pages.py", "bandit:B602"), ("yak/pages.py", "bandit:B701")]
    in_tests = {c["origin"]: c for c in doc["rejected"] if c["path"] == "tests/test_pages.py"}
    assert set(in_tests) >= {"bandit:B602", "bandit:B701"}
    for origin in ("bandit:B602", "bandit:B701"):
        assert in_tests[origin]["severity"] == "info"
        assert in_tests[origin]["body"].endswith(
            "(in test code: the data is the test's own and the code does not ship)")
    assert "2 bandit findings in test code ranked as info (the data is the test's own and the code does not ship)" in (
        doc["summary"]["notes"])
    assert code == 1  # the package's errors still fail the run
