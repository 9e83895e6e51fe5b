"""The GitHub REST client: PyGithub built with its own retry switched off, and one retry loop (tenacity) around
every call, with pacing of writes.

Why not PyGithub's retry: its default hammers a 500 without backoff and then raises ``requests``' ``RetryError``
(not a ``GithubException``), does not retry a 429 without ``Retry-After``, and retries POST, which is not idempotent
for a review. Here:

- reads and writes are retried on 5xx, 429, network errors and rate limits, with exponential backoff;
- a rate limit waits ``Retry-After`` (secondary limit), or until ``X-RateLimit-Reset`` (primary limit), or a minute
  doubling per attempt when GitHub gives neither (its documented advice), never longer than ``max_wait``;
- a non-idempotent write (POST) is retried after a 5xx / network error only when ``landed()`` says it did not land;
- writes are spaced ``write_interval`` seconds apart (GitHub asks for at least one second);
- every failure leaves as a ``GitHubError``: ``PermissionDenied`` (a 403 that is not a rate limit, a 401, a 404 on
  a write: a read-only token, a fork PR), ``Unprocessable`` (422), ``NotFound``, or the base class.

The clock and sleep are injected, so tests run the backoff without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar, cast

import requests
import tenacity
from github import Auth, Github, GithubException

from reviewbot import __version__
from reviewbot.errors import ReviewbotError

T = TypeVar("T")

_SECONDARY_HINTS = ("secondary rate limit", "abuse detection", "please wait a few minutes", "retry your request again")


class GitHubError(ReviewbotError):
    """A GitHub API call failed for good."""

    def __init__(self, message: str, status: int | None = None, errors: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors


class PermissionDenied(GitHubError):
    """The token may not do this (read-only token of a fork PR, missing ``permissions:``)."""


class Unprocessable(GitHubError):
    """422: GitHub rejected the content (a line outside the diff, a body too long...)."""


class NotFound(GitHubError):
    pass


@dataclass(frozen=True)
class Pacing:
    write_interval: float = 1.0  # seconds between two writes
    max_attempts: int = 5
    backoff: float = 1.0  # first retry delay for 5xx / network errors; doubles per attempt
    max_backoff: float = 30.0
    secondary_wait: float = 60.0  # secondary rate limit without Retry-After: wait this, doubling per attempt
    max_wait: float = 300.0  # never wait longer than this for one retry: fail instead


def connect(api_url: str, token: str, *, timeout: int = 30, per_page: int = 100) -> Github:
    """A PyGithub client for ``api_url`` (GitHub Enterprise Server: ``https://HOST/api/v3``), retry and pacing off."""
    return Github(
        base_url=api_url.rstrip("/"),
        auth=Auth.Token(token) if token else None,
        timeout=timeout,
        per_page=per_page,
        user_agent=f"reviewbot/{__version__}",
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def _headers(exc: GithubException) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (exc.headers or {}).items()}


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, Mapping):
        return str(data.get("message") or "")
    return str(data or "")


def _errors(exc: GithubException) -> tuple[str, ...]:
    data = exc.data
    if not isinstance(data, Mapping):
        return ()
    out = []
    for err in data.get("errors") or ():
        if isinstance(err, Mapping):
            out.append(str(err.get("message") or err.get("code") or err))
        else:
            out.append(str(err))
    return tuple(out)


def _is_rate_limit(exc: GithubException) -> bool:
    if exc.status not in (403, 429):
        return False
    headers = _headers(exc)
    if "retry-after" in headers or headers.get("x-ratelimit-remaining") == "0":
        return True
    msg = _message(exc).lower()
    return "rate limit" in msg or any(h in msg for h in _SECONDARY_HINTS)


def transient(exc: BaseException) -> bool:
    """Worth retrying: 5xx, 429, rate limits, network trouble."""
    if isinstance(exc, GithubException):
        return exc.status >= 500 or exc.status == 429 or _is_rate_limit(exc)
    return isinstance(exc, requests.RequestException)


class Api:
    """Runs PyGithub calls with retry, backoff and write pacing."""

    def __init__(
        self,
        gh: Github,
        pacing: Pacing = Pacing(),
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        log: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.gh = gh
        self.pacing = pacing
        self._sleep = sleep
        self._clock = clock
        self._wall = wall
        self._log = log
        self._last_write: float | None = None
        self.writes = 0  # write calls sent (attempts included)

    # -- public -----------------------------------------------------------------------------------------------------
    def read(self, fn: Callable[[], T], what: str) -> T:
        return cast(T, self._run(fn, what, write=False, landed=None))  # None only comes from ``landed``

    def write(self, fn: Callable[[], T], what: str, *, landed: Callable[[], bool] | None = None,
              idempotent: bool = False) -> T | None:
        """Run a write. Returns None when a retry found (through ``landed``) that an earlier attempt had landed.

        Without ``landed`` and not ``idempotent``, a 5xx / network error is not retried (it may have landed).
        """
        return self._run(fn, what, write=True, landed=landed, idempotent=idempotent)

    # -- the loop -----------------------------------------------------------------------------------------------------
    def _run(self, fn: Callable[[], T], what: str, *, write: bool, landed: Callable[[], bool] | None,
             idempotent: bool = True) -> T | None:
        def retry_ok(exc: BaseException) -> bool:
            if not transient(exc):
                return False
            if write and not idempotent and landed is None:
                # A rate-limit answer means GitHub did not process the request; anything else may have landed.
                return isinstance(exc, GithubException) and _is_rate_limit(exc)
            return True

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(retry_ok),
            stop=self._stop,
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=lambda state: self._log(
                f"{what}: {self._describe(state)}; retrying in {self._wait(state):.1f}s"
            ),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    n = attempt.retry_state.attempt_number
                    if n > 1 and write and landed is not None and self._landed(landed):
                        return None
                    if write:
                        self._pace()
                    try:
                        return fn()
                    finally:
                        if write:
                            self.writes += 1
                            self._last_write = self._clock()
        except GithubException as exc:
            raise self._error(exc, what, write) from exc
        except requests.RequestException as exc:
            raise GitHubError(f"{what}: network error: {exc.__class__.__name__}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _landed(self, landed: Callable[[], bool]) -> bool:
        try:
            return bool(self.read(landed, "checking whether the write landed"))
        except GitHubError:
            return False

    def _pace(self) -> None:
        interval = self.pacing.write_interval
        if interval <= 0 or self._last_write is None:
            return
        wait = self._last_write + interval - self._clock()
        if wait > 0:
            self._sleep(wait)

    def delay(self, exc: BaseException | None, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt + 1`` after ``exc``."""
        p = self.pacing
        exponential = min(p.max_backoff, p.backoff * 2 ** (attempt - 1))
        if not isinstance(exc, GithubException) or not _is_rate_limit(exc):
            return exponential
        headers = _headers(exc)
        retry_after = headers.get("retry-after")
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                return p.secondary_wait
        if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
            return max(0.0, int(headers["x-ratelimit-reset"]) - self._wall() + 1)
        if exc.status == 429 and "rate limit" not in _message(exc).lower():
            return exponential
        return p.secondary_wait * 2 ** (attempt - 1)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return self.delay(exc, state.attempt_number)

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        if state.attempt_number >= self.pacing.max_attempts:
            return True
        return self._wait(state) > self.pacing.max_wait

    @staticmethod
    def _describe(state: tenacity.RetryCallState) -> str:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, GithubException):
            return f"HTTP {exc.status} {_message(exc)}".strip()
        return f"{exc.__class__.__name__}: {exc}"

    @staticmethod
    def _error(exc: GithubException, what: str, write: bool) -> GitHubError:
        status = exc.status
        msg = _message(exc) or "(no message)"
        errors = _errors(exc)
        detail = f"{what}: HTTP {status}: {msg}" + (f" ({'; '.join(errors)})" if errors else "")
        if status == 422:
            return Unprocessable(detail, status, errors)
        if status == 401 or (status == 403 and not _is_rate_limit(exc)) or (status == 404 and write):
            return PermissionDenied(detail, status, errors)
        if status == 404:
            return NotFound(detail, status, errors)
        return GitHubError(detail, status, errors)

