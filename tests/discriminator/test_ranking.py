"""Merge overlapping comments (keep the best fix, cite all sources), threshold, noise budget, and the record."""

from __future__ import annotations

from reviewbot.discriminator.ranking import rank
from reviewbot.models import Comment, Severity, Verdict


def comment(origin: str, line: int, score: float, *, end: int | None = None, path: str = "a.py",
            suggestion: str | None = None, severity: Severity = Severity.WARNING) -> Comment:
    return Comment(path, line, end or line, severity, origin, f"body of {origin}", score, "why", suggestion=suggestion,
                   sources=(origin,), verdict=Verdict(score, "why", steps={"score": f"{score}"}))


def test_overlapping_comments_merge_into_the_best_citing_all() -> None:
    ranked = rank([comment("bandit:B602", 5, 0.9), comment("semgrep:x", 4, 0.7, end=6), comment("llm:m#0", 6, 0.6)],
                  min_score=0.5, max_total=10, max_per_file=10)
    assert [c.origin for c in ranked.comments] == ["bandit:B602"]
    assert ranked.comments[0].sources == ("bandit:B602", "semgrep:x", "llm:m#0")
    assert dict(ranked.cut) == {"merged-into-overlapping": 2}
    folded = {c.origin: c.verdict.steps["budget"] for c in ranked.rejected if c.verdict}
    assert folded["llm:m#0"] == "merged into the comment of bandit:B602 at a.py:5"


def test_the_best_verified_fix_leads_a_group_whose_best_comment_has_none() -> None:
    ranked = rank([comment("bandit:B602", 5, 0.9), comment("llm:m#0", 5, 0.8, suggestion="fixed\n"),
                   comment("llm:m#1", 5, 0.4, suggestion="other\n")], min_score=0.5, max_total=10, max_per_file=10)
    (lead,) = ranked.comments
    assert lead.origin == "llm:m#0" and lead.suggestion == "fixed\n" and lead.score == 0.8
    assert set(lead.sources) == {"bandit:B602", "llm:m#0", "llm:m#1"}


def test_a_fix_below_the_threshold_does_not_take_over() -> None:
    ranked = rank([comment("bandit:B602", 5, 0.9), comment("llm:m#0", 5, 0.3, suggestion="meh\n")],
                  min_score=0.5, max_total=10, max_per_file=10)
    assert ranked.comments[0].origin == "bandit:B602" and ranked.comments[0].suggestion is None


def test_threshold_and_budgets_are_counted_and_recorded() -> None:
    paths = ["a.py"] * 4 + ["b.py", "b.py", "c.py"]
    comments = [comment(f"t:{i}", 10 * i, 0.9 - i * 0.05, path=paths[i]) for i in range(7)]
    comments.append(comment("t:low", 200, 0.2))
    ranked = rank(comments, min_score=0.5, max_total=4, max_per_file=2)
    assert [c.origin for c in ranked.comments] == ["t:0", "t:1", "t:4", "t:5"]
    assert dict(ranked.cut) == {"below-threshold": 1, "over-per-file-budget": 2, "over-review-budget": 1}
    steps = {c.origin: c.verdict.steps["budget"] for c in ranked.rejected + ranked.over_budget if c.verdict}
    assert steps["t:low"] == "below the threshold (0.20 < 0.50)"
    assert steps["t:2"].startswith("over the per-file budget")
    assert steps["t:6"].startswith("over the review budget")
    assert all(c.verdict and c.verdict.steps["budget"] == "reported" for c in ranked.comments)


def test_highest_first_and_deterministic() -> None:
    cs = [comment("b:1", 30, 0.6), comment("a:1", 10, 0.6), comment("c:1", 20, 0.95, severity=Severity.ERROR)]
    assert [c.origin for c in rank(cs, min_score=0, max_total=9, max_per_file=9).comments] == ["c:1", "a:1", "b:1"]


def test_one_directory_takes_at_most_half_while_others_wait_and_leftover_room_is_used() -> None:
    tests = [comment(f"t:{i}", 10, 0.9, path=f"tests/test_{i}.py") for i in range(6)]
    source = [comment("s:0", 10, 0.6, path="src/a.py")]
    ranked = rank(tests + source, min_score=0.5, max_total=4, max_per_file=3)
    # tests/ gets its share (2), src/ its one comment, then the room left goes to the best one held back
    assert [c.origin for c in ranked.comments] == ["t:0", "t:1", "t:2", "s:0"]
    assert dict(ranked.cut) == {"over-directory-share": 3}
    assert [c.origin for c in ranked.over_budget] == ["t:3", "t:4", "t:5"]
    assert ranked.over_budget[0].verdict and ranked.over_budget[0].verdict.steps["budget"] == (
        "over the share of tests/ (2 of 4 while other directories have comments)")


def test_at_equal_score_source_ranks_before_tests_before_data() -> None:
    from dataclasses import replace

    from reviewbot.models import FileKind

    cs = [replace(comment("d:1", 1, 0.7, path="a/data.py"), kind=FileKind.DATA),
          replace(comment("t:1", 1, 0.7, path="a/t.py"), kind=FileKind.TESTS),
          comment("s:1", 1, 0.7, path="z/s.py")]
    assert [c.origin for c in rank(cs, min_score=0, max_total=9, max_per_file=9).comments] == ["s:1", "t:1", "d:1"]
