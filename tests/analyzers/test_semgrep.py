"""semgrep adapter: real semgrep, offline, on real files; our own rule files (the shipped pack is another test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reviewbot import procs
from reviewbot.analyzers import _semgrep_rules
from reviewbot.analyzers._semgrep_rules import registry_config
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.semgrep import Semgrep, SemgrepOptions

from reviewbot.models import AnalyzerResult, Confidence, Fix, Severity, finding_fingerprint
from tests.analyzers.support import changed, materialize

RULES = """\
rules:
  - id: sql-format
    languages: [python]
    severity: ERROR
    message: SQL built with str.format
    pattern: $CUR.execute($Q.format($ARG))
    fix: $CUR.execute($Q, ($ARG,))
    metadata:
      cwe: "CWE-89: Improper Neutralization of Special Elements used in an SQL Command"
      confidence: HIGH
      references: [https://example.org/sql]
  - id: print-call
    languages: [python]
    severity: INFO
    message: print() left in
    pattern: print(...)
"""

# A rule's test cases sit next to it; semgrep must never be handed them as configuration.
RULE_TESTS = "# ruleid: sql-format\ncur.execute('select {}'.format(x))\nthis is not: [valid yaml\n"

TARGET = """\
def find(cur, name):
    cur.execute("select * from t where name = '{}'".format(name))
    return cur.fetchall()
"""


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("rules")
    (d / "security").mkdir()
    (d / "security" / "sql.yaml").write_text(RULES, encoding="utf-8")
    (d / "security" / "sql.py").write_text(RULE_TESTS, encoding="utf-8")
    return d


def ctx_for(work: Path, **opts: object) -> AnalysisContext:
    return AnalysisContext(work, SemgrepOptions(builtin=False, **opts))


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory, rules_dir: Path) -> tuple[AnalyzerResult, dict[str, SourceFile]]:
    work = tmp_path_factory.mktemp("semgrep") / "tree"
    files = [
        changed("app/db.py", TARGET),
        changed("tests/test_db.py", TARGET),  # semgrep's default ignores would skip tests/: not here
        changed("clean.py", "def f():\n    return 1\n"),
        changed("broken.py", "def f(:\n    print('x')\n"),
        changed("empty.py", ""),
        changed("big.py", "x = 1\n" * 400_000 + "print('late')\n"),
        changed("latin1.py", "# -*- coding: latin-1 -*-\nprint('caf\u00e9')\n"),
    ]
    materialize(work, [f for f in files if f.path != "latin1.py"])
    (work / "latin1.py").write_bytes(files[-1].text.encode("latin-1"))
    files.append(changed("missing.py", "print('x')\n"))  # not on disk: one missing target must not abort the scan
    res = Semgrep(rules=[rules_dir]).analyze(files, ctx_for(work, max_target_bytes=1_000_000))
    return res, {f.path: f for f in files}


def test_findings_carry_rule_metadata(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, files = result
    assert res.error == ""
    sql = next(f for f in res.findings if f.rule_id == "sql-format" and f.path == "app/db.py")
    assert (sql.line, sql.end_line, sql.column) == (2, 2, 4)
    assert (sql.severity, sql.confidence, sql.cwe) == (Severity.ERROR, Confidence.HIGH, 89)
    assert sql.symbol == "find" and sql.url == "https://example.org/sql"
    line = "    cur.execute(\"select * from t where name = '{}'\".format(name))\n"
    assert sql.fingerprint == finding_fingerprint("semgrep", "sql-format", "app/db.py", line)
    assert sql.fix == Fix(
        2, 2, "    cur.execute(\"select * from t where name = '{}'\", (name,))\n", "semgrep autofix (sql-format)"
    )


def test_every_target_is_scanned(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, _ = result
    paths = {f.path for f in res.findings}
    assert {"app/db.py", "tests/test_db.py", "latin1.py"} <= paths
    assert "clean.py" not in paths and "empty.py" not in paths and "big.py" not in paths
    notes = "\n".join(res.notes)
    assert "missing.py: post-image missing" in notes
    assert "big.py: " in notes and "over max_target_bytes" in notes


def test_check_ids_are_bare_rule_ids(result: tuple[AnalyzerResult, dict[str, SourceFile]]) -> None:
    res, _ = result
    assert {f.rule_id for f in res.findings} <= {"sql-format", "print-call"}


def test_rule_test_cases_are_never_loaded(rules_dir: Path) -> None:
    files, problems = _semgrep_rules.rule_files([str(rules_dir)], builtin=True)
    labels = [f.label for f in files]
    assert not problems, problems
    assert labels and all(label.endswith((".yaml", ".yml")) for label in labels)
    assert str(rules_dir / "security" / "sql.yaml") in labels


def test_shipped_pack_loads_and_runs(workdir: Path) -> None:
    files = [changed("a.py", TARGET + "import os\nos.system(input())\n")]
    materialize(workdir, files)
    rules, notes = _semgrep_rules.load_rules((), builtin=True, exclude=())
    assert not notes, notes
    res = Semgrep().analyze(files, AnalysisContext(workdir, SemgrepOptions()))
    assert res.error == "", res.error
    assert not any("invalid" in n for n in res.notes)
    if rules:
        assert all(f.rule_id in {r.id for r in rules} for f in res.findings)


def test_registry_configs_are_refused_up_front(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    called = []
    monkeypatch.setattr(procs, "run", lambda *a, **k: called.append(a))
    for config in ("p/python", "auto", "r/python.lang.security", "https://semgrep.dev/c/p/ci"):
        assert registry_config(config)
        res = Semgrep(rules=[config]).analyze([changed("a.py", TARGET)], ctx_for(workdir))
        assert "needs the semgrep registry" in res.error and config in res.error
    assert not called
    assert not registry_config("rules/security") and not registry_config("./p/mine.yaml")


def test_an_invalid_rule_is_dropped_and_the_rest_run(workdir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(RULES + "  - id: broken\n    languages: [python]\n    severity: ERROR\n    message: x\n"
                     "    not-a-pattern-key: foo()\n", encoding="utf-8")
    (tmp_path / "notes.yaml").write_text("just: a mapping\n", encoding="utf-8")
    files = [changed("a.py", TARGET)]
    materialize(workdir, files)
    res = Semgrep(rules=[tmp_path]).analyze(files, ctx_for(workdir))
    assert res.error == ""
    assert any("'broken'" in n and "invalid" in n for n in res.notes)
    assert any("notes.yaml: no 'rules' list" in n for n in res.notes)
    assert {f.rule_id for f in res.findings} == {"sql-format"}


def test_missing_semgrep_is_an_error_value(workdir: Path, rules_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(procs, "find_executable", lambda name: None)
    res = Semgrep(rules=[rules_dir]).analyze([changed("a.py", TARGET)], ctx_for(workdir))
    assert "semgrep executable was not found" in res.error


def test_timeout_is_an_error_value(workdir: Path, rules_dir: Path) -> None:
    files = [changed("a.py", TARGET)]
    materialize(workdir, files)
    res = Semgrep(rules=[rules_dir]).analyze(files, ctx_for(workdir, timeout=0.2))
    assert res.error == "timed out after 0.2 s on 1 file"


def test_settings_key_follows_rule_content(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(RULES, encoding="utf-8")
    ctx = ctx_for(tmp_path)
    first = Semgrep(rules=[rules]).settings_key(ctx)
    rules.write_text(RULES.replace("print(...)", "print(1)"), encoding="utf-8")
    assert Semgrep(rules=[rules]).settings_key(ctx) != first
