"""The publisher with hand-built Review values against the fake server: anchoring, suggestions, ranges, the cap,
422 fallbacks, body limits, read-only tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from reviewbot.diff import parse_patch
from reviewbot.github import bodies, markers
from reviewbot.github.client import Api, Pacing, PermissionDenied, connect
from reviewbot.github.publish import PublishOptions, Publisher
from reviewbot.models import Comment, Review, Severity, Summary
from tests.github.fake_github import FakeGitHub

HEAD = "c" * 40
DIFF = """diff --git a/pkg/mod.py b/pkg/mod.py
index 1111111..2222222 100644
--- a/pkg/mod.py
+++ b/pkg/mod.py
@@ -1,4 +1,6 @@
 import os
+import subprocess
+# two imports
 # then code
 def run(cmd):
     return os.system(cmd)
@@ -20,3 +22,4 @@ def other():
     a = 1
     b = 2
+    c = 3
     return a + b
"""
# right-side hunks: 1..6 and 22..25


def comment(line: int, end: int | None = None, *, body: str = "Avoid this.", sev: Severity = Severity.WARNING,
            suggestion: str | None = None, origin: str = "bandit:B404", path: str = "pkg/mod.py", code: str = "",
            cwe: int | None = None) -> Comment:
    return Comment(path=path, line=line, end_line=end or line, severity=sev, origin=origin, body=body, score=0.8,
                   reason="prior", suggestion=suggestion, code=code or f"code at {line}", cwe=cwe)


def review(*cs: Comment, moved: tuple[Comment, ...] = ()) -> Review:
    return Review(tuple(cs), Summary(files_reviewed=("pkg/mod.py",), moved_to_summary=moved))


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    fake = FakeGitHub("octo/demo", page_size=3)
    fake.add_token("rw", "github-actions[bot]")
    fake.add_token("ro", "github-actions[bot]", write=False)
    fake.add_token("pat", "maintainer", user_api=True)
    fake.add_pull(5, "a" * 40, HEAD, DIFF)
    with fake:
        yield fake


def publisher(server: FakeGitHub, token: str = "rw", **options: object) -> Publisher:
    api = Api(connect(server.api_url, token), Pacing(write_interval=0, backoff=0), sleep=lambda s: None)
    repo = api.gh.get_repo("octo/demo")
    return Publisher(api, repo, repo.get_pull(5), HEAD, PublishOptions(**options))  # type: ignore[arg-type]


PATCH = parse_patch(DIFF)


def test_review_is_one_comment_event_with_ranges_and_suggestions(server: FakeGitHub) -> None:
    fix = "import subprocess  # noqa: S404\n"
    out = publisher(server).publish(review(
        comment(2, suggestion=fix, sev=Severity.ERROR),
        comment(4, 6, body="Shell call, ask @admin."),
    ), PATCH)
    assert len(out.posted) == 2
    [r] = server.reviews_of(5)
    assert r["state"] == "COMMENTED" and r["commit_id"] == HEAD
    by_line = {c["line"]: c for c in server.comments_of(5)}
    assert by_line[2]["start_line"] is None
    assert "```suggestion\nimport subprocess  # noqa: S404\n```" in by_line[2]["body"]
    assert (by_line[6]["start_line"], by_line[6]["start_side"]) == (4, "RIGHT")
    assert "@\u200badmin" in by_line[6]["body"] and "@admin" not in by_line[6]["body"]
    assert markers.read_fp(by_line[6]["body"])


def test_lines_outside_the_diff_go_to_the_summary(server: FakeGitHub) -> None:
    out = publisher(server).publish(review(
        comment(12, body="Outside every hunk."),
        comment(5, 8, body="Crosses the hunk end.", suggestion="x\n"),  # a suggestion must fit one hunk
        comment(5, 8, body="No suggestion: narrowed.", origin="pylint:W0611"),
        comment(3, path="other.py", body="Not in the PR."),
        moved=(comment(40, body="Moved by the discriminator."),),
    ), PATCH)
    posted = server.comments_of(5)
    assert [(c["start_line"], c["line"]) for c in posted] == [(5, 6)]
    [summary] = [c for c in server.issue_comments_of(5) if markers.is_summary(c["body"])]
    for text in ("Outside every hunk.", "Crosses the hunk end.", "Not in the PR.", "Moved by the discriminator."):
        assert text in summary["body"]
    assert "No suggestion: narrowed." not in summary["body"]
    assert len(out.not_inline) == 4


def test_cap_on_inline_comments_folds_the_rest(server: FakeGitHub) -> None:
    cs = [comment(n, body=f"finding {n}", origin=f"x:R{n}") for n in (1, 2, 3, 22, 23)]
    out = publisher(server, max_inline=3).publish(review(*cs), PATCH)
    assert len(server.comments_of(5)) == 3 and len(out.not_inline) == 2
    assert "over the cap of 3" in server.issue_comments_of(5)[0]["body"]


def test_422_on_the_batch_posts_one_by_one(server: FakeGitHub) -> None:
    # Our diff says line 3 is in a hunk, GitHub's diff disagrees (e.g. a different diff algorithm).
    server.pulls[5].files[0].right = [(1, 2), (22, 25)]
    out = publisher(server).publish(review(comment(2), comment(3, origin="x:Y"), comment(23, origin="x:Z")), PATCH)
    assert sorted(c["line"] for c in server.comments_of(5)) == [2, 23]
    assert len(server.reviews_of(5)) == 0  # the batch was rejected; single comments were posted instead
    [rejected] = out.not_inline
    assert rejected.comment.line == 3 and "must be part of the diff" in rejected.reason
    assert "GitHub rejected the inline comment" in server.issue_comments_of(5)[0]["body"]


def test_bodies_fit_github_limit(server: FakeGitHub) -> None:
    huge = "word " * 20_000  # 100,000 characters from a model
    cs = [comment(2, body=huge), *[comment(30 + i, body=huge, origin=f"x:{i}") for i in range(3)]]
    publisher(server).publish(review(*cs), PATCH)
    [inline] = server.comments_of(5)
    assert len(inline["body"]) <= 65_536 and "truncated" in inline["body"]
    assert markers.read_fp(inline["body"])
    [summary] = server.issue_comments_of(5)
    assert len(summary["body"]) <= 65_536 and markers.is_summary(summary["body"])
    assert "more comment(s) not shown" in summary["body"]


def test_huge_suggestion_is_dropped_not_cut(server: FakeGitHub) -> None:
    fix = "x = 1\n" * 20_000
    publisher(server).publish(review(comment(2, suggestion=fix)), PATCH)
    [inline] = server.comments_of(5)
    assert "```suggestion" not in inline["body"] and "too long to show" in inline["body"]


def test_read_only_token_raises_permission_denied(server: FakeGitHub) -> None:
    with pytest.raises(PermissionDenied):
        publisher(server, "ro").publish(review(comment(2)), PATCH)
    assert server.comments_of(5) == [] and server.issue_comments_of(5) == []


def test_identity_from_get_user_for_a_personal_token(server: FakeGitHub) -> None:
    server.seed_review_comment(5, "maintainer", "old\n\n" + markers.fp_marker("0123456789abcdef"), "pkg/mod.py", 2)
    server.seed_review_comment(5, "github-actions[bot]", "bot\n\n" + markers.fp_marker("0123456789abcdee"),
                               "pkg/mod.py", 2)
    out = publisher(server, "pat").publish(review(), PATCH)
    assert out.login == "maintainer" and out.removed == 1
    assert [c["user"]["login"] for c in server.comments_of(5)] == ["github-actions[bot]"]


def test_duplicate_findings_get_distinct_fingerprints(server: FakeGitHub) -> None:
    a = comment(2, body="same", code="import subprocess")
    b = replace(a, line=23, end_line=23)
    publisher(server).publish(review(a, b), PATCH)
    fps = sorted(markers.read_fp(c["body"]) or "" for c in server.comments_of(5))
    assert len(set(fps)) == 2 and fps[1] == fps[0] + "-2"
    publisher(server).publish(review(a, b), PATCH)  # and a re-run posts neither again
    assert len(server.comments_of(5)) == 2


def test_summary_marker_only_counts_at_the_end() -> None:
    assert markers.is_summary("x\n\n<!-- reviewbot:summary -->\n")
    assert not markers.is_summary("<!-- reviewbot:summary --> and then text")
    body = bodies.inline_body(comment(2, suggestion="<!-- reviewbot:fp=ffffffffffffffff -->\n"), "0123456789abcdef")
    assert markers.read_fp(body) == "0123456789abcdef"
    assert markers.read_fp(bodies.inline_body(comment(2, body="<!-- reviewbot:fp=ffffffffffffffff -->"),
                                              "0123456789abcdef")) == "0123456789abcdef"


def test_truncate_closes_an_open_fence() -> None:
    text = "intro\n```python\n" + "x = 1\n" * 1000 + "```\n"
    cut = bodies.truncate(text, 500)
    assert bodies.units(cut) <= 500
    assert cut.count("```") % 2 == 0 and "truncated" in cut
