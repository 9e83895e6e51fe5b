"""Merge overlapping comments (keep the best fix, cite all sources), threshold, noise budget, and the record."""

from __future__ import annotations

from reviewbot.discriminator.budget import rank
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
