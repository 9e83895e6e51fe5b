"""The terminal report (`--format text`) and the hook format (`--format short`)."""

from __future__ import annotations

from reviewbot.models import AnalyzerStatus, Comment, Review, Severity, SkippedFile, Stats, Status, Summary
from reviewbot.publishers.text import fix_diff, render, render_short, safe


def comment(**kw) -> Comment:  # type: ignore[no-untyped-def]
    base = dict(path="app.py", line=5, end_line=5, severity=Severity.ERROR, origin="bandit:B602",
                body="subprocess call with shell=True", score=0.91, reason="fix resolves bandit B602", cwe=78,
                code="    subprocess.call(cmd, shell=True)\n",
                suggestion="    subprocess.call(shlex.split(cmd))\n")
    base.update(kw)
    return Comment(**base)  # type: ignore[arg-type]


def review(*comments: Comment, **summary) -> Review:  # type: ignore[no-untyped-def]
    return Review(tuple(comments), Summary(files_reviewed=("app.py",), **summary), Stats(seconds=1.25))


def test_plain_report_has_code_comment_fix_reason_and_summary() -> None:
    out = render(review(comment(), comment(line=9, end_line=9, severity=Severity.INFO, suggestion=None,
                                           origin="pylint:unused-import", cwe=None, code="import os\n")),
                 source="staged changes")
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "reviewbot: staged changes"
    i = lines.index("app.py")
    assert lines[i + 1] == "  5 │     subprocess.call(cmd, shell=True)"
    assert lines[i + 2].split() == ["└─", "error", "bandit:B602", "CWE-78", "score", "0.91"]
    assert "subprocess call with shell=True" in lines[i + 3]
    assert lines[i + 4].strip() == "why: fix resolves bandit B602"
    assert lines[i + 5].strip() == "suggested fix:"
    assert lines[i + 6].strip() == "5 -     subprocess.call(cmd, shell=True)"
    assert lines[i + 7].strip() == "+     subprocess.call(shlex.split(cmd))"
    assert out.index("  5 │") < out.index("  9 │")  # by line within the file
    assert "2 comments (1 error, 1 info) on 1 file in 1.2s" in out


def test_colour_only_when_asked() -> None:
    colored = render(review(comment()), color=True)
    assert "\x1b[" in colored
    assert "\x1b[" not in render(review(comment()), color=False)


def test_untrusted_text_cannot_drive_the_terminal() -> None:
    evil = comment(code="x = '\x1b[2J\x1b]0;pwned\x07'  # \u202e reversed\n", body="bad \x1b[31mred")
    out = render(review(evil), color=False) + render_short(review(evil))
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b[2J" in out and "\\u202e" in out
    assert safe("tab\tok") == "tab\tok"


def test_fix_diff_keeps_unchanged_lines_as_context() -> None:
    rows = fix_diff("a = 1\nb = 2\nc = 3\n", "a = 1\nb = 20\nc = 3\n", 10)
    assert rows == [(" ", "a = 1", 10), ("-", "b = 2", 11), ("+", "b = 20", None), (" ", "c = 3", 12)]
    assert fix_diff("x\n", "", 1) == [("-", "x", 1)]


def test_summary_fits_one_screen() -> None:
    many = Summary(
        files_reviewed=tuple(f"f{i}.py" for i in range(200)),
        files_skipped=tuple(SkippedFile(f"d{i}.txt", "not python") for i in range(100)),
        analyzers=tuple(AnalyzerStatus(n, Status.OK, findings=3, seconds=0.5) for n in ("bandit", "pylint")),
        notes=tuple(f"note {i}" for i in range(50)),
        cut={"below-threshold": 12, "outside-diff-filter": 40},
    )
    out = render(Review((), many, Stats()))
    assert len(out.splitlines()) <= 15
    assert "and 45 more notes" in out and "d0.txt, d1.txt, d2.txt and 97 more" in out
    assert "not shown: 12 below-threshold, 40 outside-diff-filter" in out


def test_short_format_points_at_file_and_line() -> None:
    out = render_short(review(comment(), comment(path="b.py", line=2, end_line=3, severity=Severity.WARNING,
                                                 suggestion=None)), source="staged changes")
    lines = out.splitlines()
    assert lines[0] == "app.py:5: error bandit:B602 CWE-78: subprocess call with shell=True [fix available]"
    assert lines[1] == "    subprocess.call(cmd, shell=True)"
    assert lines[2].startswith("b.py:2-3: warning bandit:B602")
    assert lines[-1].startswith("reviewbot: 2 comments (1 error, 1 warning) in 1 file(s)")
    assert "reviewbot review --staged" in lines[-1]
    assert render_short(review()) == ""  # a passing hook stays quiet


def test_no_color_env_and_non_tty_give_plain_text(flagged, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in cli(flagged.path, "review", "--analyzers", "marker").out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in cli(flagged.path, "review", "--analyzers", "marker").out
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("FORCE_COLOR")
    r = cli(flagged.path, "review", "--analyzers", "marker")  # captured stdout: not a TTY
    assert "\x1b[" not in r.out and "app.py" in r.out and r.err == ""  # and no progress on a non-TTY stderr
