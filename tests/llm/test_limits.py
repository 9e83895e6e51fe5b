"""The run's hard limits at the HTTP level: every attempt takes a call from the budget (retries, fallbacks, samples
and concurrent requests included), each attempt has a total deadline that a trickling server cannot stretch, and
the stage deadline stops new attempts, cuts running ones and is never crossed by a backoff wait."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import pytest

from reviewbot.llm.anthropic import AnthropicMessages
from reviewbot.llm.http import RetryPolicy
from reviewbot.llm.limits import RunLimits
from reviewbot.llm.openai import OpenAICompatible
from reviewbot.llm.provider import LLMError, Message, Params
from reviewbot.llm.quota import Quota
from reviewbot.llm.session import Request, Session
from reviewbot.llm.watchdog import Watchdog
from tests.llm.conftest import SECRET, Waits, make_client
from tests.llm.fakeserver import FakeServer, Reply, anthropic_body, error_body, openai_body

MESSAGES = (Message("system", "Reply in JSON."), Message("user", "Task: review."))
SLACK = 0.6  # how late a cut may come on a busy machine (the design margin is milliseconds)


def limits(max_calls: int = 100, **kw: Any) -> RunLimits:
    return RunLimits(Quota(max_calls, 10**9), **kw)


def openai(server: FakeServer, client: httpx.Client, waits: Waits, retries: int = 3) -> OpenAICompatible:
    policy = RetryPolicy(max_retries=retries, backoff_base=0.01, backoff_max=0.05, sleep=waits)
    return OpenAICompatible(client, base_url=server.url + "/v1", model="m", api_key=SECRET, policy=policy)


def test_take_call_is_atomic_under_contention() -> None:
    budget = Quota(max_calls=5, max_tokens=10**9)
    granted: list[int] = []
    start = threading.Barrier(16)

    def worker() -> None:
        start.wait()
        granted.extend(1 for _ in range(20) if budget.take_call(10) is None)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 5 and budget.calls == 5


def test_retries_take_calls_from_the_budget(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.handler = lambda seen: Reply(503, error_body("busy", type_="server_error"))
    run = limits(max_calls=3)
    with pytest.raises(LLMError) as info:
        openai(server, client, waits, retries=10).complete(MESSAGES, gate=run.gate(10))
    assert len(server.seen) == 3 and run.quota.calls == 3
    assert info.value.limit == "call budget" and info.value.calls == 3
    assert "max-calls 3" in str(info.value) and "after 3 attempts; last error: HTTP 503" in str(info.value)
    assert len(waits) == 2  # no wait before a retry that has no call left


def test_a_parameter_fallback_is_a_call_too(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(
        Reply(400, error_body("Unsupported value: 'temperature'", param="temperature")),
        Reply(200, openai_body("ok")),
    )
    with pytest.raises(LLMError) as info:
        openai(server, client, waits).complete(MESSAGES, gate=limits(max_calls=1).gate(10))
    assert len(server.seen) == 1 and info.value.limit == "call budget"


def test_anthropic_samples_each_take_a_call(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.handler = lambda seen: Reply(200, anthropic_body("{}"))
    p = AnthropicMessages(client, base_url=server.url, model="c", api_key=SECRET, policy=RetryPolicy(sleep=waits))
    with pytest.raises(LLMError) as info:
        p.complete(MESSAGES, n=3, gate=limits(max_calls=2).gate(10))
    assert len(server.seen) == 2 and info.value.limit == "call budget" and info.value.calls == 2


def test_concurrent_requests_never_exceed_the_budget(server: FakeServer, waits: Waits) -> None:
    server.handler = lambda seen: Reply(429, error_body("slow down"), {"Retry-After": "0"})
    with make_client() as client:
        session = Session(
            # retries=9: no request can spend its own retries before the budget runs out (with 4, a request that
            # got all 5 calls on a busy machine ended "failed" after its fifth 429 instead of "cut")
            openai(server, client, waits, retries=9), params=Params(), limits=limits(max_calls=5), concurrency=8
        )
        outcomes = session.run([Request(f"review:{i}.py", MESSAGES, None) for i in range(8)])  # type: ignore[arg-type]
    assert len(server.seen) == 5 and session.usage.calls == 5
    assert {o.status for o in outcomes} <= {"skipped", "cut"}
    assert all(o.limit == "call budget" and "max-calls 5" in o.reason for o in outcomes)
    assert sum(1 for o in outcomes if o.status == "cut") <= 5


@pytest.mark.parametrize("headers", [True, False], ids=["status-line", "body"])
def test_request_timeout_cuts_a_trickling_server(server: FakeServer, waits: Waits, headers: bool) -> None:
    """One byte every 0.1 s resets the 5 s read timeout forever; the request timeout of 1 s still holds, also on
    a client that keeps connections alive and has already talked to the server."""
    server.push(Reply(200, openai_body("ok")))
    server.handler = lambda seen: Reply(200, "", trickle=0.1, endless=True, trickle_headers=headers)
    with make_client(httpx.Timeout(5.0, connect=1.0)) as client:
        assert openai(server, client, waits).complete(MESSAGES, gate=limits(request_timeout=1.0).gate(10)).texts
        assert server.seen[0].headers["connection"] == "close"  # no idle connection the watchdog cannot reach
        started = time.monotonic()
        with pytest.raises(LLMError) as info:
            openai(server, client, waits, retries=0).complete(MESSAGES, gate=limits(request_timeout=1.0).gate(10))
        elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 1.0 + SLACK
    assert info.value.limit == "request timeout" and info.value.kind == "timeout" and info.value.calls == 1
    assert "request-timeout 1s reached" in str(info.value) and len(server.seen) == 2


def test_a_slow_reply_within_the_request_timeout_is_read(
    server: FakeServer, client: httpx.Client, waits: Waits
) -> None:
    server.push(Reply(200, openai_body("ok"), trickle=0.001, trickle_headers=False))
    result = openai(server, client, waits).complete(MESSAGES, gate=limits(request_timeout=10.0).gate(10))
    assert result.texts == ("ok",) and result.calls == 1


def test_request_timeout_is_retried_within_the_budget(server: FakeServer, waits: Waits) -> None:
    server.handler = lambda seen: Reply(200, "", trickle=0.1, endless=True)
    with make_client() as client, pytest.raises(LLMError) as info:
        openai(server, client, waits, retries=1).complete(MESSAGES, gate=limits(request_timeout=0.3).gate(10))
    assert len(server.seen) == 2 and info.value.limit == "request timeout"
    assert "after 2 attempts" in str(info.value)


def test_stage_deadline_cuts_a_running_request(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(200, openai_body("late"), delay=10))
    started = time.monotonic()
    with pytest.raises(LLMError) as info:
        openai(server, client, waits).complete(MESSAGES, gate=limits(deadline=0.5, request_timeout=60).gate(10))
    assert time.monotonic() - started < 0.5 + SLACK
    assert info.value.limit == "stage deadline" and info.value.kind == "limit" and info.value.calls == 1
    assert waits == []  # not retried


def test_no_attempt_starts_after_the_stage_deadline(
    server: FakeServer, client: httpx.Client, waits: Waits
) -> None:
    now = [100.0]
    run = limits(deadline=5.0, clock=lambda: now[0])
    gate = run.gate(10)
    assert gate.admit() is None
    now[0] = 105.0
    with pytest.raises(LLMError) as info:
        openai(server, client, waits).complete(MESSAGES, gate=gate)
    assert server.seen == [] and info.value.calls == 0
    assert info.value.limit == "stage deadline" and "deadline 5s" in str(info.value)


def test_backoff_never_crosses_the_stage_deadline(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.handler = lambda seen: Reply(503, "busy", {"Retry-After": "8"})
    p = OpenAICompatible(
        client,
        base_url=server.url + "/v1",
        model="m",
        policy=RetryPolicy(max_retries=4, backoff_max=30, sleep=waits),
    )
    with pytest.raises(LLMError) as info:
        p.complete(MESSAGES, gate=limits(deadline=5.0).gate(10))
    assert waits == [] and len(server.seen) == 1
    assert info.value.limit == "stage deadline" and "8.0s wait before a retry" in str(info.value)
    assert "last error: HTTP 503" in str(info.value)


def test_watchdog_shutdown_wakes_a_blocked_read() -> None:
    """A blocked recv (10 s timeout) returns at the watchdog's deadline, not at its own timeout."""
    ours, theirs = socket.socketpair()

    class Stream:
        def get_extra_info(self, info: str) -> object:
            return ours if info == "socket" else None

    try:
        ours.settimeout(10)
        started = time.monotonic()
        with Watchdog(started + 0.3) as dog:
            dog.trace("connection.connect_tcp.complete", {"return_value": Stream()})
            assert ours.recv(10) == b""  # end of file: the watchdog shut the socket down
        assert dog.fired and 0.3 <= time.monotonic() - started < 0.3 + SLACK
    finally:
        ours.close()
        theirs.close()


def test_watchdog_leaves_a_finished_attempt_alone() -> None:
    ours, theirs = socket.socketpair()

    class Stream:
        def get_extra_info(self, info: str) -> object:
            return ours

    try:
        with Watchdog(time.monotonic() + 0.05) as dog:
            dog.trace("connection.connect_tcp.complete", {"return_value": Stream()})
        time.sleep(0.15)
        theirs.sendall(b"x")
        ours.settimeout(1)
        assert not dog.fired and ours.recv(1) == b"x"
    finally:
        ours.close()
        theirs.close()
