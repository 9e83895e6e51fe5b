"""One run's traffic to the model: every request goes through the response cache, the budget and the provider
(with bounded concurrency), and comes back as an ``Outcome`` — never as an exception. What it cost and what went
wrong is counted here for the summary."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from reviewbot.llm.budget import Budget
from reviewbot.llm.cache import ResponseCache, cache_key
from reviewbot.llm.provider import Completion, LLMError, Message, Params, Provider, Schema, estimate_messages
from reviewbot.llm.redact import Redactor, logger

Status = Literal["ok", "cached", "dumped", "skipped", "failed"]


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
class Outcome:
    request: Request
    texts: tuple[str, ...] = ()
    status: Status = "ok"
    reason: str = ""  # why it was skipped or failed


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
        budget: Budget,
        cache: ResponseCache | None = None,
        concurrency: int = 4,
        redactor: Redactor | None = None,
    ) -> None:
        self.provider = provider
        self.params = params
        self.budget = budget
        self.cache = cache
        self.concurrency = max(1, concurrency)
        self.redactor = redactor or Redactor()
        self.usage = Usage()
        self._halted = ""
        self._lock = threading.Lock()

    @property
    def dumping(self) -> bool:
        return self.provider.name == "dump"

    def run(self, requests: Sequence[Request]) -> list[Outcome]:
        """Outcomes in the order of ``requests``."""
        if self.concurrency == 1 or len(requests) <= 1 or self.dumping:
            return [self.run_one(r) for r in requests]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            return list(pool.map(self.run_one, requests))

    def run_one(self, request: Request) -> Outcome:
        outcome = self._run(request)
        with self._lock:
            self.usage.statuses[outcome.status] += 1
        return outcome

    def _run(self, request: Request) -> Outcome:
        messages = tuple(Message(m.role, self.redactor.redact_exact(m.content)) for m in request.messages)
        if self.dumping:
            self.provider.complete(messages, schema=request.schema, n=request.n, label=request.label)
            return Outcome(request, status="dumped")
        if self._halted:
            return Outcome(request, status="skipped", reason=self._halted)
        key = cache_key(self.provider.identity(), messages, request.schema, request.n, self.params)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and len(hit.texts) == request.n:
                with self._lock:
                    self.usage.cache_hits += 1
                return Outcome(request, hit.texts, "cached")
        refused = self.budget.reserve(estimate_messages(messages))
        if refused:
            return Outcome(request, status="skipped", reason=refused)
        try:
            completion = self.provider.complete(
                messages, schema=request.schema, n=request.n, label=request.label
            )
        except LLMError as exc:
            self._spent(exc.calls, 0)
            if exc.kind == "auth":
                self._halted = f"the provider refused the credentials ({exc.status})"
            logger.info("%s failed: %s", request.label, exc)
            return Outcome(request, status="failed", reason=self.redactor.redact(str(exc)))
        except Exception as exc:  # noqa: BLE001 - a bug in a provider degrades the review, it never crashes it
            self._spent(0, 0)
            logger.debug("%s: unexpected error", request.label, exc_info=True)
            message = self.redactor.redact(f"internal error {type(exc).__name__}: {exc}")
            return Outcome(request, status="failed", reason=message)
        self._record(completion)
        if self.cache is not None:
            self.cache.put(key, completion)
        return Outcome(request, completion.texts, "ok")

    def _spent(self, calls: int, tokens: int) -> None:
        if calls == 0:
            self.budget.release()
        else:
            self.budget.settle(calls, tokens)
        with self._lock:
            self.usage.calls += calls

    def _record(self, c: Completion) -> None:
        self._spent(max(1, c.calls), c.prompt_tokens + c.completion_tokens)
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
