"""pylint adapter: the defects profile on real files, all cases in one pylint invocation."""

from __future__ import annotations

from pathlib import Path

import pytest
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.pylint import DEFECTS, Pylint, PylintOptions, decode_exit

from reviewbot.models import AnalyzerResult, Confidence, Severity
from tests.analyzers.support import changed, materialize

DEFECTIVE = '''\
import logging


def collect(item, bucket=[]):
    bucket.append(item)
    return bucket
    print("never")


def callbacks():
    out = []
    for i in range(3):
        out.append(lambda: i)
    return out


def total(values):
    return sum(values) + missing_name


def parse(text):
    try:
        return int(text)
    except Exception:
        return None
    except ValueError:
        return 0


def cleanup(path):
    try:
        return open(path).read()
    finally:
        return ""


def check(x):
    assert (x, "x must be set")
    ValueError("forgot to raise")
    logging.info("%s %s", x)
'''

# Style problems and things that need the project's dependencies: none of them may be reported.
CLEAN_BUT_UGLY = '''\
import os, sys
import numpy_not_installed
from requests_not_installed import Session


class badName:
    def Method(self, a, b, c, d, e, f, g):
        first, second = a, b
        return Session().get(numpy_not_installed.array(first)).not_a_member_we_can_know


def lineTooLong(): return "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
'''

LATIN1 = "# -*- coding: latin-1 -*-\n\ndef greet(names=[]):\n    return 'caf\u00e9'\n"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnalyzerResult, dict[str, SourceFile]]:
    work = tmp_path_factory.mktemp("pylint") / "tree"
    files = [
        changed("pkg/defective.py", DEFECTIVE),
        changed("pkg/ugly.py", CLEAN_BUT_UGLY),
        changed("broken.py", "def f(:\n    pass\n"),
        changed("empty.py", ""),
        changed("huge.py", "".join(f"v{i} = {i}\n" for i in range(20000)) + "def f(a=[]):\n    return a\n"),
        changed("a/same.py", "def f(x={}):\n    return x\n"),
        changed("b/same.py", "def g():\n    return undefined_here\n"),
    ]
    materialize(work, files)
    files.append(changed("latin1.py", LATIN1))
    (work / "latin1.py").write_bytes(LATIN1.encode("latin-1"))
    files.append(changed("missing.py", "x = 1\n"))
    res = Pylint().analyze(files, AnalysisContext(work, PylintOptions()))
    return res, {f.path: f for f in files}


def rules_in(res: AnalyzerResult, path: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for f in res.findings:
        if f.path == path:
            out.setdefault(f.rule_id, []).append(f.line)
    return out


def test_defects_are_found(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, _ = result
    assert res.error == ""
    found = rules_in(res, "pkg/defective.py")
    assert found["dangerous-default-value"] == [4]
    assert found["unreachable"] == [7]
    assert found["cell-var-from-loop"] == [13]
    assert found["undefined-variable"] == [18]
    assert found["bad-except-order"] == [26]
    assert found["lost-exception"] == [34]
    assert found["assert-on-tuple"] == [38]
    assert found["pointless-exception-statement"] == [39]
    assert found["logging-too-few-args"] == [40]


def test_finding_fields(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, files = result
    f = next(f for f in res.findings if f.rule_id == "undefined-variable" and f.path == "pkg/defective.py")
    assert f.tool == "pylint" and f.severity is Severity.ERROR and f.confidence is Confidence.HIGH
    assert f.symbol == "total" and f.message == "Undefined variable 'missing_name'"
    assert f.url.endswith("/error/undefined-variable.html")
    w = next(f for f in res.findings if f.rule_id == "dangerous-default-value")
    assert w.severity is Severity.WARNING


def test_style_and_dependency_noise_is_not_reported(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, _ = result
    assert rules_in(res, "pkg/ugly.py") == {}


def test_odd_files(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, _ = result
    assert rules_in(res, "empty.py") == {}
    assert rules_in(res, "huge.py") == {"dangerous-default-value": [20001]}
    assert rules_in(res, "latin1.py") == {"dangerous-default-value": [3]}
    # two files with the same module name in different folders are both linted
    assert rules_in(res, "a/same.py") == {"dangerous-default-value": [1]}
    assert rules_in(res, "b/same.py") == {"undefined-variable": [2]}
    notes = "\n".join(res.notes)
    assert "broken.py: syntax error at line 1" in notes
    assert "missing.py: post-image missing" in notes
    assert not rules_in(res, "broken.py")


def test_enable_and_disable_options(workdir: Path) -> None:
    files = [changed("m.py", DEFECTIVE)]
    materialize(workdir, files)
    opts = PylintOptions(enable=("missing-function-docstring",), disable=("unreachable", "W0102"))
    res = Pylint().analyze(files, AnalysisContext(workdir, opts))
    rules = {f.rule_id for f in res.findings}
    assert "missing-function-docstring" in rules
    assert "unreachable" not in rules and "dangerous-default-value" not in rules
    assert "undefined-variable" in rules


def test_the_constructors_rcfile_is_used(workdir: Path, tmp_path: Path) -> None:
    files = [changed("m.py", DEFECTIVE)]
    materialize(workdir, files)
    rc = tmp_path / "own.pylintrc"
    rc.write_text("[MESSAGES CONTROL]\ndisable=all\nenable=undefined-variable\n", encoding="utf-8")
    res = Pylint(rcfile=rc).analyze(files, AnalysisContext(workdir, PylintOptions(profile="all")))
    assert {f.rule_id for f in res.findings} == {"undefined-variable"}
    assert Pylint(rcfile=rc).settings_key(AnalysisContext(workdir, PylintOptions()))
    missing = Pylint(rcfile=tmp_path / "nope").analyze(files, AnalysisContext(workdir, PylintOptions()))
    assert "does not exist" in missing.error


def test_exit_status_bits() -> None:
    assert decode_exit(0) == []
    assert decode_exit(6) == ["error", "warning"]
    assert decode_exit(1 | 32) == ["fatal", "usage error"]


def test_profile_has_no_style_or_import_messages() -> None:
    for noisy in ("import-error", "no-member", "unused-import", "missing-function-docstring", "invalid-name"):
        assert noisy not in DEFECTS
    assert len(set(DEFECTS)) == len(DEFECTS)


def test_timeout_is_an_error_value(workdir: Path) -> None:
    files = [changed("m.py", DEFECTIVE)]
    materialize(workdir, files)
    res = Pylint().analyze(files, AnalysisContext(workdir, PylintOptions(timeout=0.05)))
    assert res.error == "timed out after 0.05 s on 1 file"


def test_calls_are_checked_against_the_stdlib_and_the_tree_not_against_reviewbots_own_packages(
    workdir: Path,
) -> None:
    # yaml is installed next to reviewbot (a dependency), not part of the review: astroid must not read it, or the
    # project's calls would be judged against reviewbot's version of the package
    helper = changed("pkg/helper.py", "def scale(value, factor):\n    return value * factor\n")
    use = changed(
        "pkg/use.py",
        "import json\n\nimport yaml\n\nfrom pkg.helper import scale\n\n\n"
        "def go(text):\n"
        "    a = json.loads()\n"  # stdlib: checked
        "    b = scale(1)\n"  # the tree: checked
        "    c = yaml.safe_load(text, 1, 2, 3)\n"  # installed next to reviewbot: not read
        "    return a, b, c\n",
    )
    init = changed("pkg/__init__.py", "")
    materialize(workdir, [init, helper, use])
    res = Pylint().analyze([init, helper, use], AnalysisContext(workdir, PylintOptions()))
    assert not res.error, res.error
    found = sorted((f.path, f.line, f.rule_id) for f in res.findings)
    assert found == [("pkg/use.py", 9, "no-value-for-parameter"), ("pkg/use.py", 10, "no-value-for-parameter")]
