"""Retry-After parsing, redaction, the budget and the response cache."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest

from reviewbot.llm.reply_cache import ResponseCache, cache_key
from reviewbot.llm.http import parse_retry_after, short_error
from reviewbot.llm.provider import Completion, Message, Params, estimate_tokens
from reviewbot.llm.quota import Quota
from reviewbot.llm.redact import MASK, Redactor, install, logger, uninstall
from tests.llm.conftest import SECRET


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, 10.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=timezone.utc)
    assert parse_retry_after(headers, now) == expected


def test_short_error() -> None:
    assert short_error('{"error": {"message": "bad model"}}') == "bad model"
    assert short_error('{"error": "nope"}') == "nope"
    assert short_error("<html>\n  gateway   timeout</html>") == "<html> gateway timeout</html>"


def test_redactor_masks_secrets_and_token_shapes() -> None:
    r = Redactor([SECRET, "short"])
    text = f"key={SECRET} auth: Bearer abcdefgh12345678 gh=ghp_{'a' * 36} pat=github_pat_{'b' * 30} short"
    out = r.redact(text)
    assert (
        SECRET not in out and "abcdefgh12345678" not in out and "ghp_" not in out and "github_pat_" not in out
    )
    assert out.endswith("short")  # too short to be treated as a secret
    assert (
        r.redact_exact("token = 'sk-looks-like-a-key-but-is-code'")
        == "token = 'sk-looks-like-a-key-but-is-code'"
    )
    data = r.redact_data({"headers": {"Authorization": "x", "X-Ok": SECRET}, "list": [SECRET]})
    assert data == {"headers": {"X-Ok": MASK}, "list": [MASK]}


def test_redactor_from_env_knows_the_usual_variables() -> None:
    r = Redactor.from_env({"GITHUB_TOKEN": "ghs_abcdefghijklmnop", "UNRELATED": "value-123456"})
    assert r.redact("ghs_abcdefghijklmnop value-123456") == f"{MASK} value-123456"


def test_log_filter_redacts(caplog: pytest.LogCaptureFixture) -> None:
    flt = install(Redactor([SECRET]))
    try:
        with caplog.at_level(logging.DEBUG, logger="reviewbot.llm"):
            logger.warning("request with %s failed", SECRET)
    finally:
        uninstall(flt)
    assert SECRET not in caplog.text and MASK in caplog.text


def test_budget_calls_and_tokens() -> None:
    b = Quota(max_calls=2, max_tokens=1000)
    assert b.refusal(400) is None and b.calls == 0  # a check reserves nothing
    assert b.take_call(400) is None and b.calls == 1
    b.add(tokens=500)
    stop = b.take_call(600)
    assert stop is not None and stop.limit == "token budget" and "max-tokens 1000" in stop.reason
    assert b.take_call(100) is None and b.calls == 2
    stop = b.take_call(1)
    assert stop is not None and stop.limit == "call budget" and "max-calls 2" in stop.reason
    assert b.calls == 2
    b.add(calls=3)  # replayed from a cassette: counted, never refused
    assert b.calls == 5


def test_cache_roundtrip_and_key(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    msgs = (Message("user", "hi"),)
    key = cache_key("openai|u|m", msgs, None, 1, Params())
    assert key != cache_key("openai|u|m2", msgs, None, 1, Params())
    assert key != cache_key("openai|u|m", msgs, None, 1, Params(temperature=0.7))
    assert key != cache_key("openai|u|m", msgs, None, 2, Params())
    assert cache.get(key) is None
    cache.put(key, Completion(("x",), 10, 2, 1, "m"))
    hit = cache.get(key)
    assert hit is not None and hit.texts == ("x",) and hit.calls == 0
    (tmp_path / key[:2] / f"{key}.json").write_text("{broken")
    assert cache.get(key) is None


def test_estimate_tokens() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd" * 10) == 10
