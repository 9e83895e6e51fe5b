"""Fixtures of the LLM tests: the local fake server, an httpx client pointed at it, recorded (not slept) backoff
waits, and the demo patch as a ReviewInput with hand-made evidence."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reviewbot.config import Settings
from reviewbot.contracts import ReviewInput
from reviewbot.models import Confidence, Evidence, Fact, Finding, Metric, Severity, finding_fingerprint
from reviewbot.pipeline import collect_files
from reviewbot.sources import PatchSource
from tests.llm.fakeserver import FakeServer, Reply, Seen, openai_body

ROOT = Path(__file__).resolve().parents[2]
DEMO_PATCH = ROOT / "examples" / "demo.patch"
SECRET = "sk-test-SECRET-0123456789abcdef"
APP = "examples/demo/inventory/app.py"
DB = "examples/demo/inventory/db.py"
PRICING = "examples/demo/inventory/pricing.py"
STOCK = "examples/demo/inventory/stock.py"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    s = FakeServer().start()
    try:
        yield s
    finally:
        s.stop()


def make_client(timeout: httpx.Timeout = httpx.Timeout(2.0, connect=1.0)) -> httpx.Client:
    """An httpx client for the fake server (TCP_NODELAY: no 40 ms Nagle/delayed-ACK stall per request)."""
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    return httpx.Client(timeout=timeout, transport=transport)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client() as c:
        yield c


class Waits(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


def demo_source() -> PatchSource:
    return PatchSource(DEMO_PATCH.read_text(encoding="utf-8"), ROOT, origin="examples/demo.patch")


def demo_input(evidence: Evidence = Evidence(), settings: Settings = Settings()) -> ReviewInput:
    source = demo_source()
    patch = source.patch()
    files, _, _ = collect_files(patch, source, settings)
    return ReviewInput(patch, files, evidence, ROOT, ROOT, None)


def line_of(path: str, needle: str) -> int:
    for n, text in enumerate((ROOT / path).read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def finding(
    tool: str,
    rule: str,
    path: str,
    needle: str,
    severity: Severity,
    message: str,
    cwe: int | None = None,
    confidence: Confidence = Confidence.HIGH,
) -> Finding:
    line = line_of(path, needle)
    code = (ROOT / path).read_text(encoding="utf-8").splitlines()[line - 1]
    return Finding(
        tool,
        rule,
        path,
        line,
        line,
        severity,
        confidence,
        message,
        cwe=cwe,
        fingerprint=finding_fingerprint(tool, rule, path, code),
    )


def caller(path: str, needle: str, callee: str) -> Fact:
    """The facts analyzer's ``caller`` fact: a call of a changed signature that still binds (the prompt lists it)."""
    line = line_of(path, needle)
    code = (ROOT / path).read_text(encoding="utf-8").splitlines()[line - 1].strip()
    return Fact(path, line, callee, "caller", code)


def demo_evidence() -> Evidence:
    """What the analyzers would plausibly say about the demo patch (hand-made: the analyzers are not run)."""
    return Evidence(
        findings=(
            finding(
                "bandit",
                "B608",
                APP,
                "SELECT id, name FROM items",
                Severity.ERROR,
                "Possible SQL injection vector through string-based query construction.",
                89,
            ),
            finding(
                "bandit",
                "B602",
                APP,
                "shell=True",
                Severity.ERROR,
                "subprocess call with shell=True identified, security issue.",
                78,
            ),
            finding(
                "bandit",
                "B608",
                DB,
                "WHERE name LIKE",
                Severity.ERROR,
                "Possible SQL injection vector through string-based query construction.",
                89,
            ),
            finding(
                "pylint",
                "C0121",
                PRICING,
                "coupon == None",
                Severity.INFO,
                "Comparison 'coupon == None' should be 'coupon is None'",
                confidence=Confidence.HIGH,
            ),
            finding(
                "bandit",
                "B108",
                APP,
                "tar czf",
                Severity.WARNING,
                "Probable insecure usage of temp file/directory.",
                377,
                Confidence.MEDIUM,
            ),
        ),
        facts=(
            Fact(STOCK, 11, "reserve", "raises", "OutOfStock(item_id)"),
            Fact(
                STOCK,
                11,
                "reserve",
                "call-site",
                "examples/demo/inventory/orders.py:9: remaining[item_id] = reserve(item_id, qty)",
            ),
            Fact(PRICING, 4, "compute_price", "returns", "round(price * quantity, 2)"),
            caller(APP, "compute_price(base", "compute_price"),
        ),
        metrics=(Metric(PRICING, "compute_price", 4, "cc", 2.0, 14.0, "A", "C"),),
    )


def comments_json(*comments: dict[str, Any]) -> str:
    return json.dumps({"comments": list(comments)})


def comment(
    path: str,
    line: int,
    body: str,
    *,
    end: int | None = None,
    text: str | None = None,
    severity: str = "warning",
    category: str = "correctness",
    suggestion: str | None = None,
    confidence: float = 0.8,
    cites: tuple[str, ...] = (),
) -> dict[str, Any]:
    if text is None:
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
    return {
        "path": path,
        "start_line": line,
        "end_line": end or line,
        "line_text": text,
        "severity": severity,
        "category": category,
        "body": body,
        "suggestion": suggestion,
        "confidence": confidence,
        "cites": list(cites),
    }


def prompt_of(seen: Seen) -> str:
    body = seen.body or {}
    messages = body.get("messages") or []
    system = body.get("system") or ""
    return system + "\n".join(m.get("content", "") for m in messages if isinstance(m, dict))


def by_prompt(
    rules: dict[str, Reply | Callable[[Seen], Reply]], default: Reply | None = None
) -> Callable[[Seen], Reply]:
    """A handler answering the first rule whose key occurs in the last user message."""

    def handle(seen: Seen) -> Reply:
        messages = (seen.body or {}).get("messages") or []
        last = messages[-1]["content"] if messages else ""
        for key, reply in rules.items():
            if key in last:
                return reply(seen) if callable(reply) else reply
        return default or Reply(200, openai_body(comments_json()))

    return handle
