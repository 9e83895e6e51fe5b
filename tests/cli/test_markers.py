"""The code's own markers, respected through reviewbot with the real analyzers: ``# noqa`` codes mapped to our
findings, the tools' own comments (``# pylint: disable``, ``# nosec``, ``# nosemgrep``), and ``unreachable`` after a
call that never returns."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers import GitRepo

COMPLEX_BODY = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12)) + "    return -1\n"


def review(cli, repo: GitRepo, analyzers: str, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = cli(repo.path, "review", "--analyzers", analyzers, "--no-cache", "--format", "json", "--fail-on", "none", *args)
    assert r.code == 0, r
    return json.loads(r.out)  # type: ignore[no-any-return]


def origins(doc: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted((c["origin"], c["line"]) for c in doc["comments"])


def marker_note(doc: dict[str, Any]) -> str:
    notes = [n for n in doc["summary"]["notes"] if "suppressed by the code's own markers" in n]
    assert len(notes) <= 1, notes
    return notes[0] if notes else ""


def test_noqa_c901_silences_radon_complexity_on_that_def(repo: GitRepo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", "X = 1\n")
    repo.commit("base")
    repo.write(
        "app.py",
        "X = 1\n\n\ndef marked(x):  # noqa: C901\n" + COMPLEX_BODY
        + "\n\ndef split(\n    x,\n):  # noqa: C901 - the def spans three lines\n" + COMPLEX_BODY
        + "\n\ndef other_code(x):  # noqa: E501\n" + COMPLEX_BODY
        + "\n\ndef plain(x):\n" + COMPLEX_BODY,
    )
    doc = review(cli, repo, "radon")
    assert origins(doc) == [("radon:complexity-threshold", 62), ("radon:complexity-threshold", 90)]
    assert marker_note(doc) == "2 findings suppressed by the code's own markers (noqa: 2)"
    assert doc["summary"]["cut"]["suppressed"] == 2
    # the change adds the noqa that hides our finding: the reviewer is told
    assert any("app.py:4: the change adds a suppression (noqa)" in n and "radon:complexity-threshold" in n
               for n in doc["summary"]["notes"])
    # ... but not of the noqa that hides nothing of ours
    assert not any("app.py:62: the change adds" in n for n in doc["summary"]["notes"])
