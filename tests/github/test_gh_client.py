"""The client's retry, backoff and pacing, against the fake server, with an injected clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reviewbot.github.client import Api, GitHubError, Pacing, PermissionDenied, Unprocessable, connect
from tests.github.fake_github import SECONDARY, FakeGitHub

TOKEN = "ghs_rw"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    fake = FakeGitHub("octo/demo", page_size=2)
    fake.add_token(TOKEN, "github-actions[bot]")
    fake.add_token("ro", "github-actions[bot]", write=False)
    fake.add_token("pat", "maintainer", user_api=True)
    fake.add_pull(3, "a" * 40, "b" * 40, "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1,2 @@\n x\n+y\n")
    with fake:
        yield fake


def api(server: FakeGitHub, clock: Clock, token: str = TOKEN, **pacing: float) -> Api:
    p = Pacing(**{"write_interval": 0.0, "backoff": 1.0, **pacing})  # type: ignore[arg-type]
    return Api(connect(server.api_url, token), p, sleep=clock.sleep, clock=clock, wall=lambda: 1_000.0)


def test_5xx_is_retried_with_exponential_backoff(server: FakeGitHub) -> None:
    clock = Clock()
    server.fault("GET", r"/pulls/3$", 500, times=3)
    pull = api(server, clock).read(lambda: api(server, clock).gh.get_repo("octo/demo").get_pull(3), "get")
    assert pull.number == 3
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_persistent_5xx_becomes_a_github_error_not_a_retry_error(server: FakeGitHub) -> None:
    clock = Clock()
    server.fault("GET", r"/repos/octo/demo$", 503, times=10)
    client = api(server, clock)
    with pytest.raises(GitHubError, match="HTTP 503"):
        client.read(lambda: client.gh.get_repo("octo/demo"), "get repo")
    assert len(clock.sleeps) == 4  # 5 attempts


def test_secondary_limit_waits_retry_after(server: FakeGitHub) -> None:
    clock = Clock()
    server.fault("POST", r"/issues/3/comments$", 403, headers={"Retry-After": "7"}, body={"message": SECONDARY})
    client = api(server, clock)
    pull = client.read(lambda: client.gh.get_repo("octo/demo").get_pull(3), "get")
    client.write(lambda: pull.create_issue_comment("hello"), "comment")
    assert clock.sleeps == [7.0]
    assert len(server.issue_comments_of(3)) == 1


def test_secondary_limit_without_retry_after_waits_a_minute_doubling(server: FakeGitHub) -> None:
    clock = Clock()
    server.fault("POST", r"/issues/3/comments$", 403, body={"message": SECONDARY}, times=2)
    client = api(server, clock, secondary_wait=60.0)
    pull = client.read(lambda: client.gh.get_repo("octo/demo").get_pull(3), "get")
    client.write(lambda: pull.create_issue_comment("hello"), "comment")
    assert clock.sleeps == [60.0, 120.0]


def test_primary_limit_waits_for_the_reset(server: FakeGitHub) -> None:
    clock = Clock()
    server.fault("GET", r"/repos/octo/demo$", 403, body={"message": "API rate limit exceeded for installation."},
                 headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1030"})
    client = api(server, clock)
    client.read(lambda: client.gh.get_repo("octo/demo"), "get")
    assert clock.sleeps == [31.0]  # reset (1030) - now (1000) + 1


def test_a_wait_longer_than_max_wait_fails_instead(server: FakeGitHub) -> None:
    clock = Clock()
    server.fault("GET", r"/repos/octo/demo$", 429, headers={"Retry-After": "3600"})
    client = api(server, clock, max_wait=300.0)
    with pytest.raises(GitHubError, match="429"):
        client.read(lambda: client.gh.get_repo("octo/demo"), "get")
    assert clock.sleeps == []


def test_429_without_retry_after_backs_off(server: FakeGitHub) -> None:
    clock = Clock()
    server.fault("GET", r"/repos/octo/demo$", 429, body={"message": "Too many requests"}, times=2)
    client = api(server, clock)
    client.read(lambda: client.gh.get_repo("octo/demo"), "get")
    assert clock.sleeps == [1.0, 2.0]


def test_post_is_not_blindly_retried_after_a_5xx(server: FakeGitHub) -> None:
    clock = Clock()
    server.fault("POST", r"/issues/3/comments$", 502)
    client = api(server, clock)
    pull = client.read(lambda: client.gh.get_repo("octo/demo").get_pull(3), "get")
    with pytest.raises(GitHubError, match="502"):
        client.write(lambda: pull.create_issue_comment("hello"), "comment")
    assert clock.sleeps == []


def test_post_retried_after_5xx_only_when_it_did_not_land(server: FakeGitHub) -> None:
    clock = Clock()
    client = api(server, clock)
    pull = client.read(lambda: client.gh.get_repo("octo/demo").get_pull(3), "get")
    # The first attempt lands but its answer is lost (a 502 after the fact): simulated by posting it ourselves.
    calls = []

    def post() -> object:
        calls.append(1)
        if len(calls) == 1:
            server.seed_issue_comment(3, "github-actions[bot]", "hello")
            from github import GithubException

            raise GithubException(502, {"message": "Bad Gateway"}, {})
        return pull.create_issue_comment("hello")

    got = client.write(post, "comment", landed=lambda: bool(server.issue_comments_of(3)))
    assert got is None and len(calls) == 1 and len(server.issue_comments_of(3)) == 1


def test_read_only_token_is_permission_denied(server: FakeGitHub) -> None:
    clock = Clock()
    client = api(server, clock, token="ro")
    pull = client.read(lambda: client.gh.get_repo("octo/demo").get_pull(3), "get")
    with pytest.raises(PermissionDenied, match="Resource not accessible by integration"):
        client.write(lambda: pull.create_issue_comment("x"), "comment")
    assert clock.sleeps == []


def test_422_is_unprocessable_with_github_errors(server: FakeGitHub) -> None:
    clock = Clock()
    client = api(server, clock)
    pull = client.read(lambda: client.gh.get_repo("octo/demo").get_pull(3), "get")
    with pytest.raises(Unprocessable) as info:
        client.write(lambda: pull.create_review_comment("x", "b" * 40, "x.py", line=9, side="RIGHT"), "comment")
    assert info.value.errors == ("pull_request_review_thread.line must be part of the diff",)


def test_writes_are_paced(server: FakeGitHub) -> None:
    clock = Clock()
    client = api(server, clock, write_interval=1.0)
    pull = client.read(lambda: client.gh.get_repo("octo/demo").get_pull(3), "get")
    for i in range(3):
        client.write(lambda i=i: pull.create_issue_comment(f"c{i}"), "comment")
    assert clock.sleeps == [1.0, 1.0]  # the clock does not move between calls: each later write waits a second
    clock.now += 5
    client.write(lambda: pull.create_issue_comment("late"), "comment")
    assert clock.sleeps == [1.0, 1.0]


def test_network_error_is_a_github_error(server: FakeGitHub) -> None:
    clock = Clock()
    client = Api(connect("http://127.0.0.1:9/api/v3", TOKEN), Pacing(backoff=0.5, max_attempts=2),
                 sleep=clock.sleep, clock=clock)
    with pytest.raises(GitHubError, match="network error"):
        client.read(lambda: client.gh.get_repo("octo/demo"), "get")
    assert clock.sleeps == [0.5]


def test_pagination_follows_link_headers(server: FakeGitHub) -> None:
    clock = Clock()
    for i in range(5):
        server.seed_issue_comment(3, "alice", f"comment {i}")
    client = api(server, clock)
    pull = client.read(lambda: client.gh.get_repo("octo/demo").get_pull(3), "get")
    bodies = client.read(lambda: [c.body for c in pull.get_issue_comments()], "list")
    assert bodies == [f"comment {i}" for i in range(5)]
    assert sum(1 for m, p, _ in server.log if m == "GET" and "/issues/3/comments" in p) == 3  # pages of 2
