"""One POST with retries: exponential backoff with full jitter on 429/5xx/timeouts, honouring ``Retry-After``.

httpx's transport ``retries`` only retries failed connections, so the loop is tenacity's. The sleep function is
injected (tests record the waits instead of sleeping). Every failure leaves this module as an ``LLMError`` whose
message has passed through the redactor.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx
import tenacity

from reviewbot.llm.provider import LLMError
from reviewbot.llm.redact import Redactor, logger

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 4
    backoff_base: float = 1.0  # the first wait is drawn from [0, base]; the window doubles per retry
    backoff_max: float = 30.0  # no single wait is longer, Retry-After included
    sleep: Sleep = field(default=time.sleep, compare=False)


@dataclass(frozen=True)
class Response:
    status: int
    data: Any  # the parsed JSON body, or None
    text: str  # the raw body (for error messages)
    headers: Mapping[str, str]
    calls: int  # requests sent, retries included


class _Retryable(Exception):
    def __init__(self, message: str, kind: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` / ``Retry-After`` (seconds or an HTTP date), or None."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class _Wait:
    """Retry-After when the server sent one, else full-jitter exponential backoff; never above the cap."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.cap = policy.backoff_max
        self.backoff = tenacity.wait_random_exponential(
            multiplier=policy.backoff_base, max=policy.backoff_max
        )

    def __call__(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(exc.retry_after, self.cap)
        return float(self.backoff(state))


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url


def post_json(
    client: httpx.Client,
    url: str,
    *,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    params: Mapping[str, str] | None,
    policy: RetryPolicy,
    redactor: Redactor,
) -> Response:
    """POST ``body`` as JSON; retry transient failures; return the final non-transient response.

    Non-2xx answers that are not worth retrying (400, 401, 404 ...) are returned, not raised: the provider
    decides (e.g. a 400 naming an unsupported parameter triggers a fallback).
    """
    sent = 0
    where = host_of(url)

    def attempt() -> httpx.Response:
        nonlocal sent
        sent += 1
        try:
            resp = client.post(url, json=dict(body), headers=dict(headers), params=dict(params or {}))
        except httpx.TimeoutException as exc:
            raise _Retryable(f"{type(exc).__name__} talking to {where}", "timeout") from None
        except httpx.TransportError as exc:
            raise _Retryable(
                f"connection to {where} failed ({type(exc).__name__}: {exc})", "transport"
            ) from None
        if resp.status_code in RETRY_STATUSES:
            raise _Retryable(
                f"HTTP {resp.status_code} from {where}: {short_error(resp.text)}",
                "http",
                resp.status_code,
                parse_retry_after(resp.headers),
            )
        return resp

    def log_retry(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.info("retrying after %s (attempt %d, waiting %.2fs)", exc, state.attempt_number, wait)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.max_retries + 1),
        wait=_Wait(policy),
        retry=tenacity.retry_if_exception_type(_Retryable),
        sleep=policy.sleep,
        before_sleep=log_retry,
        reraise=True,
    )
    try:
        resp = retrying(attempt)
    except _Retryable as exc:
        tries = f" after {sent} attempts" if sent > 1 else ""
        raise LLMError(
            redactor.redact(f"{exc}{tries}"), kind=exc.kind, status=exc.status, calls=sent
        ) from None
    try:
        data = resp.json()
    except ValueError:
        data = None
    return Response(resp.status_code, data, resp.text, resp.headers, sent)


def short_error(text: str, limit: int = 300) -> str:
    """The useful part of an error body: ``error.message`` of a JSON error, else the start of the text."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        err = data.get("error", data)
        message = err.get("message") if isinstance(err, dict) else None
        if isinstance(message, str):
            return message[:limit]
        if isinstance(err, str):
            return err[:limit]
    flat = " ".join(text.split())
    return flat[:limit] + ("..." if len(flat) > limit else "")


def error_fields(data: Any) -> tuple[str, str, str]:
    """(message, param, code) of an OpenAI/Anthropic-style JSON error body ("" when absent)."""
    err = data.get("error", data) if isinstance(data, dict) else None
    if not isinstance(err, dict):
        return (err if isinstance(err, str) else ""), "", ""
    return (
        str(err.get("message") or ""),
        str(err.get("param") or ""),
        str(err.get("code") or err.get("type") or ""),
    )


def fail(resp: Response, what: str, where: str, redactor: Redactor) -> LLMError:
    """The LLMError for a final non-2xx response."""
    kind = "auth" if resp.status in (401, 403) else "http"
    message = f"{what}: HTTP {resp.status} from {where}: {short_error(resp.text)}"
    return LLMError(redactor.redact(message), kind=kind, status=resp.status, calls=resp.calls)
