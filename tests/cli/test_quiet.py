"""``reviewbot review -q``: quiet as a linter's ``-q`` is. Only the comments reach stdout (no heading, no summary
line, no totals, no progress); an analyzer that failed is still said, on stderr; the exit code is unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pytest

from reviewbot import analyzers
from reviewbot.analyzers.base import AnalysisContext, Options, SourceFile
from reviewbot.models import AnalyzerResult


class BrokenAnalyzer:
    """Fails as a whole, the way a crashed or missing tool does."""

    name: ClassVar[str] = "broken"
    Options: ClassVar[type[Options]] = Options
    per_file: ClassVar[bool] = True

    def version(self) -> str:
        return "1"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        return AnalyzerResult(error="crashed on purpose")


@pytest.fixture(autouse=True)
def broken_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(analyzers.BUILTIN, "broken", f"{__name__}:BrokenAnalyzer")


def test_quiet_short_prints_only_the_comment_lines(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    loud = cli(flagged.path, "review", "--analyzers", "marker", "--format", "short", "--no-cache")
    assert loud.code == 1 and "reviewbot: 1 comment (1 error)" in loud.out  # the totals line, without -q
    r = cli(flagged.path, "review", "--analyzers", "marker", "--format", "short", "--no-cache", "-q")
    assert r.code == 1
    assert r.out.splitlines() == [
        "app.py:5: error marker:no-eval CWE-95: eval() of data executes code [fix available]"]
    assert r.err == ""


def test_quiet_text_prints_the_comments_without_heading_or_summary(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(flagged.path, "review", "--analyzers", "marker", "--no-cache", "-q")
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[0] == "app.py" and lines[1] == "  5 │     return eval(text)"
    assert "suggested fix:" in r.out
    for summary in ("reviewbot: working tree", "─" * 40, "1 comment", "analyzers:", "python:"):
        assert summary not in r.out, summary
    assert r.err == ""


def test_quiet_and_clean_prints_nothing(repo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("ok.py", "x = 1\n")
    repo.commit("base")
    repo.write("ok.py", "x = 2\n")
    for fmt in ("text", "short"):
        r = cli(repo.path, "review", "--analyzers", "marker", "--format", fmt, "--no-cache", "-q")
        assert (r.code, r.out, r.err) == (0, "", ""), fmt


def test_quiet_still_reports_a_failed_analyzer_on_stderr(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("text", "short"):
        r = cli(flagged.path, "review", "--analyzers", "marker,broken", "--format", fmt, "--no-cache", "-q")
        assert r.code == 1, fmt
        assert "crashed on purpose" not in r.out, fmt
        assert "reviewbot: warning: broken: crashed on purpose" in r.err, fmt
        assert "app.py" in r.out


def test_quiet_leaves_machine_formats_whole(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    args = ("review", "--analyzers", "marker", "--format", "json", "--no-cache")
    loud, quiet = cli(flagged.path, *args), cli(flagged.path, *args, "-q")
    assert '"summary"' in quiet.out and quiet.out.count("\n") == loud.out.count("\n")
