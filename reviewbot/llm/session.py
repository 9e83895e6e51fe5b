"""One run's traffic to the model: every request goes through the response cache, the run's limits (call and
token quota, request timeout, stage deadline) and the provider (with bounded concurrency), and comes back as
a ``CallOutcome`` — never as an exception. What it cost, what a limit skipped or cut and what went wrong is
counted here for the summary."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from reviewbot.llm.reply_cache import ResponseCache, cache_key
from reviewbot.llm.limits import Gate, RunLimits
from reviewbot.llm.provider import (
    Completion,
    Limit,
    LLMError,
    Message,
    Params,
    Provider,
    Schema,
    estimate_messages,
)
from reviewbot.llm.redact import Redactor, logger

# skipped: never sent (a limit, or the provider refused the credentials); cut: a limit ended it after it was sent
Status = Literal["ok", "cached", "dumped", "skipped", "cut", "failed"]


@dataclass(frozen=True)
class Request:
    label: str  # "review:<path>[,<path>...]", "triage:<path>", "fix:<path>:<line>", "repair:<label>"
    messages: tuple[Message, ...]
    schema: Schema
    n: int = 1

    @property
    def task(self) -> str:
        return self.label.partition(":")[0]


@dataclass(frozen=True)
class CallOutcome:
    request: Request
    texts: tuple[str, ...] = ()
    status: Status = "ok"
    reason: str = ""  # why it was skipped, cut or failed
    limit: Limit | None = None  # the limit that skipped or cut it


@dataclass
class Usage:
    calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False
    provider_notes: list[str] = field(default_factory=list)
    by_label: int = 0  # replies replayed by label because the prompt changed since recording
    statuses: Counter[str] = field(default_factory=Counter)


class Session:
    def __init__(
        self,
        provider: Provider,
        *,
        params: Params,
        limits: RunLimits,
        cache: ResponseCache | None = None,
        concurrency: int = 4,
        redactor: Redactor | None = None,
    ) -> None:
        self.provider = provider
        self.params = params
        self.limits = limits
        self.cache = cache
        self.concurrency = max(1, concurrency)
        self.redactor = redactor or Redactor()
        self.usage = Usage()
        self._halted = ""
        self._lock = threading.Lock()

    @property
    def dumping(self) -> bool:
        return self.provider.name == "dump"

    def run(self, requests: Sequence[Request]) -> list[CallOutcome]:
        """Outcomes in the order of ``requests``."""
        if self.concurrency == 1 or len(requests) <= 1 or self.dumping:
            return [self.run_one(r) for r in requests]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            return list(pool.map(self.run_one, requests))

    def run_one(self, request: Request) -> CallOutcome:
        outcome = self._run(request)
        with self._lock:
            self.usage.statuses[outcome.status] += 1
        return outcome

    def _run(self, request: Request) -> CallOutcome:
        messages = tuple(Message(m.role, self.redactor.redact_exact(m.content)) for m in request.messages)
        if self.dumping:
            self.provider.complete(messages, schema=request.schema, n=request.n, label=request.label)
            return CallOutcome(request, status="dumped")
        if self._halted:
            return CallOutcome(request, status="skipped", reason=self._halted)
        key = cache_key(self.provider.identity(), messages, request.schema, request.n, self.params)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and len(hit.texts) == request.n:
                with self._lock:
                    self.usage.cache_hits += 1
                return CallOutcome(request, hit.texts, "cached")
        gate = self.limits.gate(estimate_messages(messages))
        stop = gate.admit()
        if stop is not None:
            return CallOutcome(request, status="skipped", reason=stop.reason, limit=stop.limit)
        try:
            completion = self.provider.complete(
                messages, schema=request.schema, n=request.n, label=request.label, gate=gate
            )
        except LLMError as exc:
            self._spent(gate, exc.calls, 0)
            reason = self.redactor.redact(str(exc))
            if exc.kind == "auth":
                self._halted = f"the provider refused the credentials ({exc.status})"
            if exc.limit is not None:
                logger.info("%s stopped: %s", request.label, reason)
                status: Status = "cut" if gate.sent else "skipped"
                return CallOutcome(request, status=status, reason=reason, limit=exc.limit)
            logger.info("%s failed: %s", request.label, reason)
            return CallOutcome(request, status="failed", reason=reason)
        except Exception as exc:  # noqa: BLE001 - a bug in a provider degrades the review, it never crashes it
            self._spent(gate, gate.sent, 0)
            logger.debug("%s: unexpected error", request.label, exc_info=True)
            message = self.redactor.redact(f"internal error {type(exc).__name__}: {exc}")
            return CallOutcome(request, status="failed", reason=message)
        self._record(gate, completion)
        if self.cache is not None:
            self.cache.put(key, completion)
        return CallOutcome(request, completion.texts, "ok")

    def _spent(self, gate: Gate, calls: int, tokens: int) -> None:
        """Count a request's cost. Calls sent over HTTP were reserved by ``gate``; a provider that sends none
        (a replayed cassette) reports the calls it stands for, which are added to the budget here."""
        self.limits.quota.add(calls=calls - gate.sent, tokens=tokens)
        with self._lock:
            self.usage.calls += max(calls, gate.sent)

    def _record(self, gate: Gate, c: Completion) -> None:
        self._spent(gate, max(1, c.calls), c.prompt_tokens + c.completion_tokens)
        with self._lock:
            u = self.usage
            u.prompt_tokens += c.prompt_tokens
            u.completion_tokens += c.completion_tokens
            u.estimated = u.estimated or c.estimated
            for note in c.notes:
                if note == "replayed by label":
                    u.by_label += 1
                elif note not in u.provider_notes:
                    u.provider_notes.append(note)
