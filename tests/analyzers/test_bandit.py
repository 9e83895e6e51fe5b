"""bandit adapter: real bandit on real files, all cases in one invocation."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reviewbot.analyzers.bandit import Bandit, BanditOptions
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.models import AnalyzerResult, Confidence, Severity, finding_fingerprint
from tests.analyzers.support import by_rule, changed, materialize

POSITIVE = '''\
import hashlib
import subprocess


def run(cmd):
    subprocess.call(cmd, shell=True)
    digest = hashlib.md5(cmd.encode()).hexdigest()
    assert digest
    return eval(cmd)  # nosec B307 - trusted input
'''

NEGATIVE = '''\
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b
'''

# Syntax that needs Python 3.12 (PEP 701) or 3.14 (t-strings): libcst parses both, the interpreter may not.
NEWER = [
    ((3, 12), 'x = {"a": 1}\ny = f"{x["a"]}"\n'),
    ((3, 14), 'name = "x"\ny = t"hello {name}"\n'),
]


def newer_syntax() -> str | None:
    import sys

    for version, text in NEWER:
        if sys.version_info[:2] < version:
            return text
    return None


LATIN1 = "# -*- coding: latin-1 -*-\nimport pickle\n\ndef load(b):\n    return pickle.loads(b)  # caf\u00e9\n"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnalyzerResult, dict[str, SourceFile]]:
    work = tmp_path_factory.mktemp("bandit") / "tree"
    files = [
        changed("pkg/positive.py", POSITIVE),
        changed("pkg/negative.py", NEGATIVE),
        changed("broken.py", "def f(:\n    pass\n"),
        changed("empty.py", ""),
        changed("huge.py", "".join(f"v{i} = {i}\n" for i in range(30000)) + "import pickle\npickle.loads(blob)\n"),
        changed("latin1.py", LATIN1),
    ]
    newer = newer_syntax()
    if newer:
        files.append(changed("newer.py", newer))
    materialize(work, [f for f in files if f.path != "latin1.py"])
    (work / "latin1.py").write_bytes(LATIN1.encode("latin-1"))  # non-UTF-8 bytes on disk
    files.append(changed("missing.py", "import os\n"))  # never written: must not abort the batch
    res = Bandit().analyze(files, AnalysisContext(work, BanditOptions()))
    return res, {f.path: f for f in files}


def test_positives_are_mapped(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, _files = result
    assert res.error == ""
    found = by_rule(f for f in res.findings if f.path == "pkg/positive.py")
    shell = found["B602"][0]
    assert (shell.line, shell.end_line, shell.severity, shell.confidence) == (6, 6, Severity.ERROR, Confidence.HIGH)
    assert shell.cwe == 78
    assert shell.symbol == "run"
    assert shell.fingerprint == finding_fingerprint(
        "bandit", "B602", "pkg/positive.py", "    subprocess.call(cmd, shell=True)\n"
    )
    assert "shell=True" in shell.message and shell.url.startswith("https://")
    assert found["B324"][0].cwe == 328  # md5: the standard CWE for a weak hash (bandit says 327)
    assert found["B404"][0].severity is Severity.INFO  # LOW -> info


STANDARD_CWES = '''\
import random
import xml.etree.ElementTree as ET

import yaml
from jinja2 import Environment
from markupsafe import Markup


def handler(text, data, name):
    tree = ET.fromstring(data)
    conf = yaml.load(data)
    env = Environment(autoescape=False)
    html = Markup("<b>%s</b>" % name)
    token = random.random()
    exec(text)
    return eval(text), tree, conf, env, html, token
'''


def test_findings_carry_the_standard_cwe_of_their_category(workdir: Path) -> None:
    """bandit's CWE-78 for eval/exec, CWE-20 for XML and yaml.load, CWE-94 for jinja2 become the standard ones."""
    files = [changed("app.py", STANDARD_CWES)]
    materialize(workdir, files)
    res = Bandit().analyze(files, AnalysisContext(workdir, BanditOptions()))
    assert res.error == ""
    cwes = {f.rule_id: f.cwe for f in res.findings}
    assert cwes["B307"] == 94 and cwes["B102"] == 94  # eval / exec: code injection
    assert cwes["B314"] == 611 and cwes["B405"] == 611  # xml.etree parse and import: XXE
    assert cwes["B506"] == 502  # yaml.load: deserialization
    assert cwes["B701"] == 79 and cwes["B704"] == 79  # no auto-escaping, Markup on a built string: XSS
    assert cwes["B311"] == 330  # random: weak randomness


def test_nosec_and_default_skips_are_honoured(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, _ = result
    rules = {f.rule_id for f in res.findings if f.path == "pkg/positive.py"}
    assert "B307" not in rules  # eval() marked nosec
    assert "B101" not in rules  # assert_used is skipped by default


def test_clean_empty_and_odd_files(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, _ = result
    paths = {f.path for f in res.findings}
    assert "pkg/negative.py" not in paths and "empty.py" not in paths
    huge = [f for f in res.findings if f.path == "huge.py"]
    assert [f.line for f in huge if f.rule_id == "B301"] == [30002]
    assert any(f.rule_id == "B301" and f.line == 5 for f in res.findings if f.path == "latin1.py")


def test_unparsable_and_missing_files_become_notes(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, files = result
    notes = "\n".join(res.notes)
    assert "broken.py: syntax error at line 1" in notes
    assert "missing.py: post-image missing" in notes
    if "newer.py" in files:
        note = next(n for n in res.notes if n.startswith("newer.py: "))
        assert "parsed with libcst, but bandit could not parse it under Python" in note
        assert "run reviewbot on Python >= 3." in note
    assert not any(f.path in ("broken.py", "newer.py") for f in res.findings)


def test_options_filter_by_level(workdir: Path) -> None:
    files = [changed("a.py", POSITIVE)]
    materialize(workdir, files)
    res = Bandit().analyze(files, AnalysisContext(workdir, BanditOptions(severity="high", skip=())))
    assert {f.rule_id for f in res.findings} == {"B602", "B324"}
    res = Bandit().analyze(files, AnalysisContext(workdir, BanditOptions(tests=("B602",), skip=())))
    assert {f.rule_id for f in res.findings} == {"B602"}


def test_missing_bandit_is_an_error_value(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [changed("a.py", POSITIVE)]
    materialize(workdir, files)
    monkeypatch.setattr(sys, "executable", str(workdir / "no-such-python"))
    res = Bandit().analyze(files, AnalysisContext(workdir, BanditOptions()))
    assert res.error and res.findings == ()


def test_timeout_is_an_error_value(workdir: Path) -> None:
    files = [changed(f"m{i}.py", POSITIVE * 50) for i in range(3)]
    materialize(workdir, files)
    res = Bandit().analyze(files, AnalysisContext(workdir, BanditOptions(timeout=0.01)))
    assert res.error == "timed out after 0.01 s on 3 files"
