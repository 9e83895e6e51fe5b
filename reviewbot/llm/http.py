"""One POST with retries: exponential backoff with full jitter on 429/5xx/timeouts, honouring ``Retry-After``,
inside the run's hard limits.

httpx's transport ``retries`` only retries failed connections, so the loop is tenacity's. Every attempt passes the
request's ``Gate`` first (it reserves one call of the budget, or stops the request with the reason), has a total
deadline — ``request-timeout`` or the stage deadline, whichever is earlier — enforced by streaming the body with a
check between chunks and by a ``Watchdog`` that shuts the connection down at the deadline, and a retry whose
backoff would cross the stage deadline is not waited for. The sleep function is injected (tests record the waits
instead of sleeping). Every failure leaves this module as an ``LLMError`` whose message has passed through the
redactor; a request stopped or cut by a limit carries that limit in ``LLMError.limit``.
"""

from __future__ import annotations

import email.utils
import json
import math
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx
import tenacity

from reviewbot.llm.limits import Clock, Gate, RunLimits
from reviewbot.llm.provider import Limit, LLMError, Stop
from reviewbot.llm.redact import Redactor, logger
from reviewbot.llm.watchdog import Watchdog

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
    def __init__(
        self,
        message: str,
        kind: str,
        status: int | None = None,
        retry_after: float | None = None,
        limit: Limit | None = None,
    ):
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.limit = limit


class _Stopped(Exception):
    """A limit stopped the request: no call left, the stage deadline passed or a backoff would cross it."""

    def __init__(self, stop: Stop) -> None:
        super().__init__(stop.reason)
        self.stop = stop


class _Cut(Exception):
    """The attempt reached its deadline."""


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: httpx.Headers
    body: bytes
    encoding: str


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
    gate: Gate | None = None,
) -> Response:
    """POST ``body`` as JSON; retry transient failures; return the final non-transient response.

    Non-2xx answers that are not worth retrying (400, 401, 404 ...) are returned, not raised: the provider
    decides (e.g. a 400 naming an unsupported parameter triggers a fallback). Without a ``gate`` nothing but the
    retry policy limits the request.
    """
    gate = gate or RunLimits.unlimited().gate(0)
    clock = gate.limits.clock
    where = host_of(url)
    sent = 0
    last: _Retryable | None = None

    def attempt() -> _Reply:
        nonlocal sent, last
        stop = gate.take()
        if stop is not None:
            raise _Stopped(stop)
        sent += 1
        deadline, limit = gate.attempt_deadline()
        try:
            reply = _send(client, url, body, headers, params, deadline, clock, where)
        except _Cut:
            cut = gate.cut(limit, where)
            if limit == "stage deadline":
                raise _Stopped(cut) from None
            last = _Retryable(cut.reason, "timeout", limit=limit)
            raise last from None
        except _Retryable as exc:
            last = exc
            raise
        if reply.status in RETRY_STATUSES:
            last = _Retryable(
                f"HTTP {reply.status} from {where}: {short_error(_text(reply))}",
                "http",
                reply.status,
                parse_retry_after(reply.headers),
            )
            raise last
        return reply

    def before_sleep(state: tenacity.RetryCallState) -> None:
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        stop = gate.wait_stop(wait)
        if stop is not None:
            raise _Stopped(stop)
        logger.info("retrying after %s (attempt %d, waiting %.2fs)", last, state.attempt_number, wait)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.max_retries + 1),
        wait=_Wait(policy),
        retry=tenacity.retry_if_exception_type(_Retryable),
        sleep=policy.sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        reply = retrying(attempt)
    except _Retryable as exc:
        tries = f" after {sent} attempts" if sent > 1 else ""
        raise LLMError(
            redactor.redact(f"{exc}{tries}"), kind=exc.kind, status=exc.status, calls=sent, limit=exc.limit
        ) from None
    except _Stopped as exc:
        message = exc.stop.reason
        if last is not None and sent:
            message += f" after {sent} attempt{'s' if sent > 1 else ''}; last error: {last}"
        raise LLMError(
            redactor.redact(message),
            kind="limit",
            status=last.status if last is not None else None,
            calls=sent,
            limit=exc.stop.limit,
        ) from None
    try:
        data = json.loads(reply.body)
    except (ValueError, RecursionError):
        data = None
    return Response(reply.status, data, _text(reply), reply.headers, sent)


def _send(
    client: httpx.Client,
    url: str,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    params: Mapping[str, str] | None,
    deadline: float,
    clock: Clock,
    where: str,
) -> _Reply:
    """One attempt, over by ``deadline`` (raises ``_Cut`` then) or a ``_Retryable`` transport failure."""
    remaining = deadline - clock()
    if remaining <= 0:
        raise _Cut()
    dog = Watchdog(deadline, clock) if math.isfinite(deadline) else None
    extensions = {"trace": dog.trace} if dog is not None else {}
    if dog is not None:
        # No connection outlives its request, so the next attempt opens its own and the watchdog holds its socket
        # from the first byte (a connection taken from the pool is only reachable once the headers are in).
        headers = {**headers, "Connection": "close"}
    try:
        with dog or nullcontext(), client.stream(
            "POST",
            url,
            json=dict(body),
            headers=dict(headers),
            params=dict(params or {}),
            timeout=_clamp(client.timeout, remaining) if math.isfinite(remaining) else client.timeout,
            extensions=extensions,
        ) as resp:
            if dog is not None:
                dog.watch(resp)
            chunks = []
            for chunk in resp.iter_bytes():
                if clock() >= deadline:
                    raise _Cut()
                chunks.append(chunk)
            return _Reply(resp.status_code, resp.headers, b"".join(chunks), resp.encoding or "utf-8")
    except httpx.TransportError as exc:  # timeouts included
        if (dog is not None and dog.fired) or clock() >= deadline - _SLACK:
            raise _Cut() from None
        if isinstance(exc, httpx.TimeoutException):
            raise _Retryable(f"{type(exc).__name__} talking to {where}", "timeout") from None
        raise _Retryable(f"connection to {where} failed ({type(exc).__name__}: {exc})", "transport") from None


_SLACK = 0.01  # a read timed out this close to the deadline was cut by it (the timeouts are clamped to it)


def _clamp(timeout: httpx.Timeout, remaining: float) -> httpx.Timeout:
    """The client's timeouts, none longer than the time left to the deadline."""

    def cap(value: float | None) -> float:
        return remaining if value is None else min(value, remaining)

    return httpx.Timeout(
        connect=cap(timeout.connect), read=cap(timeout.read), write=cap(timeout.write), pool=cap(timeout.pool)
    )


def _text(reply: _Reply) -> str:
    try:
        return reply.body.decode(reply.encoding, errors="replace")
    except LookupError:  # an unknown charset in Content-Type
        return reply.body.decode("utf-8", errors="replace")


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
