"""`reviewbot rules` and `reviewbot explain RULE`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from reviewbot import rulepack
from reviewbot.analyzers import _semgrep_rules
from reviewbot.commands.rules import pack


def test_pack_is_read_from_the_package_with_our_metadata() -> None:
    rules = pack()
    if not rules:  # the rule pack is built in parallel; the command must still work
        return
    for r in rules:
        assert r.family in ("security", "correctness")
        assert r.severity in ("error", "warning", "info"), r
        assert r.short and "\n" not in r.short
        assert all(c.startswith("CWE-") for c in r.cwe), r
    assert len({r.id for r in rules}) == len(rules)


def test_rules_lists_id_cwe_severity_and_what(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(tmp_path, "rules")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].split() == ["ID", "CWE", "SEVERITY", "WHAT", "IT", "CATCHES"] or "empty" in r.out
    for rule in pack():
        [row] = [ln for ln in lines if ln.startswith(rule.id + " ")]
        assert rule.cwe_ids in row and rule.severity in row and rule.short in row
    for family in ("bandit", "pylint", "radon", "facts"):
        assert f"  {family}" in r.out


def test_rules_json_and_bandit(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(cli(tmp_path, "rules", "--json", "--tool", "all").out)
    assert {b["id"] for b in doc["bandit"]} >= {"B602", "B301"}
    assert len(doc["pack"]) == len(pack())
    r = cli(tmp_path, "rules", "--tool", "bandit")
    assert any(ln.startswith("B602 ") and "subprocess_popen_with_shell_equals_true" in ln for ln in r.out.splitlines())


def test_explain_a_pack_rule(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    rules = pack()
    if not rules:
        return
    rule = rules[0]
    for name in (rule.id, f"semgrep:{rule.id}", f"reviewbot.rules.{rule.family}.{rule.id}"):
        r = cli(tmp_path, "explain", name)
        assert r.code == 0, r
        assert r.out.startswith(rule.id) and rule.short in r.out and rule.cwe[0] in r.out
        assert f"# reviewbot: ignore[{rule.id}]" in r.out
    if rule.false_negatives:
        assert "Known false negatives" in r.out


def test_explain_bandit_and_pylint(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(tmp_path, "explain", "B602")
    assert r.code == 0 and "subprocess_popen_with_shell_equals_true" in r.out and "shell" in r.out
    assert cli(tmp_path, "explain", "bandit:B301").out.startswith("B301 pickle")
    r = cli(tmp_path, "explain", "pylint:unused-import")
    assert r.code == 0 and r.out.startswith("unused-import (W0611)")
    assert cli(tmp_path, "explain", "W0611").out.startswith("unused-import")
    assert cli(tmp_path, "explain", "radon:complexity-threshold").out.startswith("radon:complexity-threshold")
    assert "SyntaxError" in cli(tmp_path, "explain", "syntax-error").out


def test_explain_unknown_exits_2_with_close_matches(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(tmp_path, "explain", "unused-imprt")
    assert r.code == 2
    assert r.err.strip() == "reviewbot: error: unknown rule 'unused-imprt' (did you mean: unused-import, " \
        "ungrouped-imports, unused-wildcard-import?)" or "did you mean: unused-import" in r.err
    r = cli(tmp_path, "explain", "zzzzzz")
    assert r.code == 2 and "reviewbot rules" in r.err
    rules = pack()
    if rules:
        r = cli(tmp_path, "explain", rules[0].id[:-2])
        assert r.code == 2 and rules[0].id in r.err


@pytest.fixture
def fake_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A rule pack of our own in place of reviewbot's (``reviewbot.rulepack.PACKAGE``): one good file, one that
    does not parse, one with a rule without an id next to a good one, one whose rule id is already taken."""
    pkg = tmp_path / "fakerules"
    (pkg / "security").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "security" / "__init__.py").write_text("")
    (pkg / "security" / "good.yaml").write_text(
        "rules:\n  - id: good-rule\n    message: m\n    severity: ERROR\n    languages: [python]\n"
        "    pattern: eval(...)\n    metadata:\n      cwe: ['CWE-1: x']\n      short: catches good things\n")
    (pkg / "security" / "good.py").write_text("# ruleid: good-rule\n")
    (pkg / "security" / "bad.yaml").write_text("rules:\n  - id: [unclosed\n")
    (pkg / "security" / "mixed.yaml").write_text(
        "rules:\n  - message: no id\n  - id: other-rule\n    message: m\n    severity: WARNING\n"
        "    languages: [python]\n    pattern: exec(...)\n")
    (pkg / "security" / "twice.yaml").write_text(
        "rules:\n  - id: good-rule\n    message: again\n    severity: INFO\n    languages: [python]\n"
        "    pattern: print(...)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(rulepack, "PACKAGE", "fakerules")
    rulepack.documented.cache_clear()
    yield pkg
    rulepack.documented.cache_clear()


def test_a_broken_rule_file_is_reported_not_fatal(tmp_path, cli, fake_pack) -> None:  # type: ignore[no-untyped-def]
    r = cli(tmp_path, "rules")
    assert r.code == 2
    assert "good-rule" in r.out and "catches good things" in r.out
    assert "reviewbot: warning: rules/security/bad.yaml: cannot read rule file" in r.err
    r = cli(tmp_path, "explain", "good-rule")
    assert r.code == 0 and "test cases: rules/security/good.py" in r.out


def test_the_command_and_the_semgrep_adapter_read_one_pack(tmp_path, cli, fake_pack) -> None:  # type: ignore[no-untyped-def]
    """``reviewbot rules`` lists exactly the rules the semgrep adapter hands semgrep, and reports the same
    problems (the adapter as notes): one reader, one meaning of a valid rule file."""
    r = cli(tmp_path, "rules", "--json")
    assert r.code == 2
    listed = json.loads(r.out)
    loaded, notes = _semgrep_rules.load_rules((), builtin=True, exclude=())
    assert [x["id"] for x in listed["pack"]] == sorted(rule.id for rule in loaded) == ["good-rule", "other-rule"]
    assert listed["problems"] == notes
    assert [p.split(": ", 1)[0] for p in notes] == ["rules/security/bad.yaml", "rules/security/mixed.yaml",
                                                   "rules/security/twice.yaml"]
    assert "already loaded from rules/security/good.yaml" in notes[2]
