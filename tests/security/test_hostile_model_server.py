"""A hostile (or broken) model server cannot make a review spend more calls or time than its settings allow.

Each test runs the real CLI (``.venv/bin/reviewbot review``, a subprocess: the process must also *exit*, which a
lingering thread would prevent) on a real git repository whose change adds an ``eval`` per file (bandit B307), with
the LLM reviewer pointed at the local fake model server (tests/llm/fakeserver.py, 127.0.0.1 only):

- 429 / 503 / a hang past the read timeout on every request, ``max-calls = 6``, ``concurrency = 4``: the server
  sees at most 6 requests in all (retries and concurrent requests included);
- a server trickling one byte every 0.2 s without end, ``request-timeout = 2``: the review finishes within a bound
  derived from the settings, reports B307, and the summary names the requests cut by the request timeout;
- a small stage ``deadline`` and many slow requests: no request starts after the deadline, running ones are cut at
  it, and the summary says which were skipped or cut.

Bounds on time are generous (the analyzers run on a shared machine); what they rule out is the unbounded case.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import GitRepo
from tests.llm.fakeserver import FakeServer, Reply, Seen, error_body, openai_body

pytestmark = pytest.mark.slow

REVIEWBOT = Path(sys.executable).with_name("reviewbot")
KEY_ENV = "HOSTILE_TEST_KEY"
MARGIN = 45.0  # seconds for everything but the LLM stage (start-up, git, bandit) on a busy machine
HANG = 30.0  # longer than any review here may take
PATHS = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages"}


@pytest.fixture
def server() -> Iterator[FakeServer]:
    s = FakeServer().start()
    try:
        yield s
    finally:
        s.stop()


def module(n: int) -> str:
    """A module adding more than 15 lines (so each file gets its own review prompt) and one ``eval``."""
    body = "".join(f"    total += int(parts[{i}])\n" for i in range(16))
    return f"def load_{n}(text):\n    parts = text.split()\n    total = 0\n{body}    return eval(text) + total\n"


def make_repo(tmp_path: Path, files: int, llm: dict[str, Any]) -> GitRepo:
    """The model server is configured in the base commit (a config the reviewed change brings is screened)."""
    repo = GitRepo(tmp_path / "repo").init()
    repo.write("README.md", "hostile server test\n")
    lines = ["[llm]"] + [f"{k} = {json.dumps(v)}" for k, v in llm.items()]
    repo.write(".reviewbot.toml", 'analyzers = ["bandit"]\n\n' + "\n".join(lines) + "\n")
    repo.commit("base")
    for n in range(files):
        repo.write(f"pkg/mod{n}.py", module(n))
    return repo


def llm_table(server: FakeServer, provider: str = "openai", **over: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "provider": provider,
        "model": "fake-model",
        "base-url": server.url + ("/v1" if provider == "openai" else ""),
        "api-key-env": KEY_ENV,
        "backoff-base": 0.05,
        "backoff-max": 0.2,
    }
    table.update(over)
    return table


def review(repo: GitRepo, timeout: float) -> tuple[dict[str, Any], float]:
    """Run ``reviewbot review --format json`` in ``repo``; the parsed report and the seconds it took."""
    env = {**os.environ, KEY_ENV: "sk-hostile-test-0123456789"}
    started = time.monotonic()
    proc = subprocess.run(
        [str(REVIEWBOT), "review", "--format", "json", "-q", "--no-cache"],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), elapsed


def rules(report: dict[str, Any]) -> list[str]:
    return [c["rule"] for c in report["comments"]]


def notes(report: dict[str, Any]) -> list[str]:
    return list(report["summary"]["notes"])


def hang(seen: Seen) -> Reply:
    return Reply(200, openai_body('{"comments": []}'), delay=HANG)


HOSTILE = {
    "429": lambda seen: Reply(429, error_body("slow down", type_="rate_limit_error"), {"Retry-After": "0"}),
    "503": lambda seen: Reply(503, "busy"),
    "529": lambda seen: Reply(529, error_body("Overloaded", type_="overloaded_error")),
    "hang": hang,
}


@pytest.mark.parametrize(
    ("provider", "mode"), [("openai", "429"), ("openai", "503"), ("openai", "hang"), ("anthropic", "529")]
)
def test_call_budget_holds_against_retries_and_concurrency(
    server: FakeServer, tmp_path: Path, provider: str, mode: str
) -> None:
    server.handler = HOSTILE[mode]
    # 4 files: 4 review and 4 triage requests, 4 at a time, each allowed 4 retries: 40 attempts without the cap.
    llm = llm_table(server, provider, **{"max-calls": 6, "concurrency": 4, "max-retries": 4, "read-timeout": 1})
    repo = make_repo(tmp_path, 4, llm)
    report, _ = review(repo, timeout=180)
    assert server.seen and all(s.path.endswith(PATHS[provider]) for s in server.seen)
    assert len(server.seen) <= 6
    assert report["stats"]["llm_calls"] == len(server.seen)
    assert rules(report).count("B307") == 4  # the static findings are all there
    text = "\n".join(notes(report))
    assert "max-calls 6" in text  # requests the budget stopped are named, with the reason


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_trickling_server_is_cut_at_the_request_timeout(server: FakeServer, tmp_path: Path, provider: str) -> None:
    server.handler = lambda seen: Reply(200, "", trickle=0.2, endless=True)
    request_timeout, max_calls, concurrency = 2.0, 6, 4
    llm = llm_table(
        server,
        provider,
        **{
            "request-timeout": request_timeout,
            "max-calls": max_calls,
            "concurrency": concurrency,
            "max-retries": 1,
        },
    )
    repo = make_repo(tmp_path, 2, llm)
    bound = request_timeout * math.ceil(max_calls / concurrency) + MARGIN
    report, elapsed = review(repo, timeout=bound * 3)
    assert elapsed < bound
    assert server.seen and all(s.path.endswith(PATHS[provider]) for s in server.seen)
    assert len(server.seen) <= max_calls
    assert rules(report).count("B307") == 2
    cut = [n for n in notes(report) if n.startswith("llm: cut (request timeout)")]
    assert cut and all("request-timeout 2s reached" in n for n in cut)


def test_stage_deadline_stops_new_requests_and_cuts_running_ones(server: FakeServer, tmp_path: Path) -> None:
    reply = Reply(200, openai_body('{"comments": [], "verdicts": []}'), delay=2.0)
    server.handler = lambda seen: reply
    deadline = 3.0
    # 6 files: 6 reviews and 6 triages of 2 s each, 2 at a time: 12 s of work for a 3 s stage.
    llm = llm_table(server, **{"deadline": deadline, "concurrency": 2, "max-calls": 40})
    repo = make_repo(tmp_path, 6, llm)
    report, elapsed = review(repo, timeout=180)
    starts = [s.at for s in server.seen]
    assert starts and max(starts) - min(starts) <= deadline + 0.5  # nothing started after the deadline
    assert len(server.seen) < 12
    assert elapsed < deadline + MARGIN
    assert rules(report).count("B307") == 6
    text = "\n".join(notes(report))
    assert "llm: skipped (stage deadline)" in text and "deadline 3s" in text
    assert "llm: cut (stage deadline)" in text
