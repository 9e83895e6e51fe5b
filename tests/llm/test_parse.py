"""Reply parsing: JSON extraction, item-wise validation, sanitizing, and anchoring of line numbers."""

from __future__ import annotations

import json

import pytest

from reviewbot.llm.context import file_context
from reviewbot.llm.parse import (
    ZWSP,
    anchor,
    clean_code,
    extract_json,
    parse_fix,
    parse_review,
    parse_triage,
    sanitize,
)
from tests.llm.conftest import APP, DB, comment, comments_json, demo_input, line_of


def test_extract_json_variants() -> None:
    assert extract_json('{"a": 1}') == {"a": 1}
    assert extract_json('```json\n{"a": 1}\n```') == {"a": 1}
    assert extract_json('Here you go:\n```\n{"a": 1}\n```\nHope it helps') == {"a": 1}
    assert extract_json('Sure! {"a": {"b": 2}} done.') == {"a": {"b": 2}}
    with pytest.raises(ValueError, match="truncated"):
        extract_json('{"comments": [{"path": "a.py", "start_line": 3')
    with pytest.raises(ValueError, match="empty"):
        extract_json("   ")
    with pytest.raises(ValueError, match="not valid JSON"):
        extract_json("I found no problems.")


def test_review_items_validated_one_by_one() -> None:
    good = comment(APP, 25, "SQL injection", severity="ERROR", category="Security", confidence=3)
    bad = {"path": APP, "start_line": 0, "end_line": 0, "body": "x"}
    parsed = parse_review(comments_json(good, bad))
    assert len(parsed.items) == 1 and parsed.dropped == 1
    assert parsed.problem.startswith("comments[1].start_line")
    item = parsed.items[0]
    assert (item.severity, item.category, item.confidence) == ("error", "security", 1.0)


def test_review_lenient_forms() -> None:
    parsed = parse_review(json.dumps([comment(APP, 25, "x", category="made-up")]))  # a bare list
    assert parsed.usable and parsed.items[0].category == "correctness"
    parsed = parse_review('{"comments": []}')
    assert parsed.usable and parsed.items == []
    assert not parse_review('{"remarks": []}').usable


def test_triage_and_fix_parsing() -> None:
    text = json.dumps(
        {
            "verdicts": [
                {
                    "id": "abc",
                    "verdict": "True Positive",
                    "reason": "r",
                    "confidence": "0.9",
                    "fix": {"start_line": 3, "end_line": 3, "replacement": "x\n"},
                },
                {"id": "def", "verdict": "fp", "reason": "r", "confidence": 0.5, "fix": None},
                {"id": "ghi", "verdict": "maybe", "reason": "r", "confidence": 0.5, "fix": None},
            ]
        }
    )
    parsed = parse_triage(text)
    assert [v.verdict for v in parsed.items] == ["true_positive", "false_positive"]
    assert parsed.dropped == 1 and parsed.items[0].confidence == 0.9
    assert parse_fix('{"replacement": "a\\n", "description": "d"}').items[0].replacement == "a\n"
    assert not parse_fix('{"description": "d"}').usable


def test_sanitize_neutralises_mentions_markers_and_commands() -> None:
    out = sanitize("Ping @octocat and @org/team.\n<!-- reviewbot:fp=1 -->\n/approve\n  /merge\nmail a@b.c")
    assert "@octocat" not in out and f"@{ZWSP}octocat" in out and f"@{ZWSP}org/team" in out
    assert "<!--" not in out
    assert f"{ZWSP}/approve" in out and f"  {ZWSP}/merge" in out
    assert sanitize("x" * 5000, limit=100).endswith("…") and len(sanitize("x" * 5000, limit=100)) == 100
    assert sanitize("bidi \u202e trick\x00") == "bidi  trick"


def test_clean_code() -> None:
    assert clean_code("a = 1") == "a = 1\n"
    assert clean_code("a = 1\r\n") == "a = 1\n"
    assert clean_code("x\n```\n@someone\n") is None  # would break out of the suggestion block
    assert clean_code("\n" * 100) is None


@pytest.fixture(scope="module")
def app_ctx():  # type: ignore[no-untyped-def]
    inp = demo_input()
    sf = next(f for f in inp.files if f.path == APP)
    changed = next(f for f in inp.patch.files if f.path == APP)
    return file_context(sf, changed)


def test_anchor_accepts_lines_in_the_diff(app_ctx) -> None:  # type: ignore[no-untyped-def]
    n = line_of(APP, "SELECT id, name FROM items")
    a, why = anchor(n, n, app_ctx.lines[n - 1], app_ctx)
    assert a is not None and (a.start, a.end, a.moved_from) == (n, n, None) and why == ""


def test_anchor_moves_to_the_quoted_line(app_ctx) -> None:  # type: ignore[no-untyped-def]
    n = line_of(APP, "shell=True")
    a, _ = anchor(n - 2, n - 1, app_ctx.lines[n - 1], app_ctx)  # numbers off by two, text right
    assert a is not None and (a.start, a.end, a.moved_from) == (n, n + 1, (n - 2, n - 1))


def test_anchor_refuses_lines_outside_the_diff_or_file(app_ctx) -> None:  # type: ignore[no-untyped-def]
    n = line_of(APP, "def list_items")  # unchanged function, outside every hunk
    a, why = anchor(n, n, app_ctx.lines[n - 1], app_ctx)
    assert a is None and "not inside one hunk" in why
    a, why = anchor(99, 99, "", app_ctx)
    assert a is None and "outside the file" in why
    a, why = anchor(25, 25, "this line does not exist anywhere", app_ctx)
    assert a is None and "quoted line is not in the diff" in why
    a, why = anchor(26, 25, "", app_ctx)
    assert a is None and "before start line" in why


def test_anchor_span_must_stay_in_one_hunk(app_ctx) -> None:  # type: ignore[no-untyped-def]
    a, why = anchor(5, 20, "", app_ctx)  # hunk 1 is 1-7, hunk 2 starts at 18
    assert a is None


def test_db_context_in_diff() -> None:
    inp = demo_input()
    sf = next(f for f in inp.files if f.path == DB)
    ctx = file_context(sf, next(f for f in inp.patch.files if f.path == DB))
    assert ctx.in_diff(21, 24) and not ctx.in_diff(10, 12)
