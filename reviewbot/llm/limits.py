"""The hard limits of one run's LLM stage: the call and token budget, a total deadline per HTTP request
(``request-timeout``) and a deadline for all LLM work (``deadline``).

``RunLimits`` is shared by the whole run; each logical request (a review, triage, fix or repair prompt) gets a
``Gate`` from it, and every HTTP attempt of that request — retries, parameter fallbacks and extra samples
included — passes ``Gate.take`` before it is sent. What a gate refuses is a ``Stop`` naming the limit, which the
summary reports.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from reviewbot.llm.provider import Limit, Stop
from reviewbot.llm.quota import Quota

Clock = Callable[[], float]


def seconds(value: float) -> str:
    return f"{value:g}s"


@dataclass
class RunLimits:
    quota: Quota
    request_timeout: float = math.inf  # seconds for one HTTP request, connect to the last byte of the body
    deadline: float = math.inf  # seconds for all LLM work of the run, counted from ``started``
    clock: Clock = field(default=time.monotonic, repr=False)
    started: float = field(default=-1.0)

    def __post_init__(self) -> None:
        if self.started < 0:
            self.started = self.clock()

    @classmethod
    def unlimited(cls, clock: Clock = time.monotonic) -> RunLimits:
        return cls(Quota(sys.maxsize, sys.maxsize), clock=clock)

    @property
    def ends(self) -> float:
        return self.started + self.deadline

    def stage_stop(self) -> Stop | None:
        """The stage deadline, once it has passed."""
        if self.clock() >= self.ends:
            return Stop("stage deadline", f"stage deadline reached (deadline {seconds(self.deadline)})")
        return None

    def gate(self, prompt_estimate: int) -> Gate:
        return Gate(self, prompt_estimate)


class Gate:
    """One logical request's way through the limits (used by one thread at a time)."""

    def __init__(self, limits: RunLimits, prompt_estimate: int) -> None:
        self.limits = limits
        self.estimate = prompt_estimate
        self.sent = 0  # HTTP requests this gate let through

    def admit(self) -> Stop | None:
        """May the request start at all? (Reserves nothing: each attempt takes its own call.)"""
        return self.limits.stage_stop() or self.limits.quota.refusal(self.estimate)

    def take(self) -> Stop | None:
        """Before each HTTP attempt: None when it may be sent (one call is reserved for it), else why not."""
        stop = self.limits.stage_stop() or self.limits.quota.take_call(self.estimate)
        if stop is None:
            self.sent += 1
        return stop

    def attempt_deadline(self) -> tuple[float, Limit]:
        """When the attempt starting now must be over, and which limit that is."""
        own = self.limits.clock() + self.limits.request_timeout
        if own < self.limits.ends:
            return own, "request timeout"
        return self.limits.ends, "stage deadline"

    def wait_stop(self, wait: float) -> Stop | None:
        """Why a retry after a backoff of ``wait`` seconds is pointless: it would cross the stage deadline, or
        no call is left for it."""
        if self.limits.clock() + wait >= self.limits.ends:
            return Stop(
                "stage deadline",
                f"stage deadline (deadline {seconds(self.limits.deadline)}) would pass during the "
                f"{wait:.1f}s wait before a retry",
            )
        return self.limits.quota.refusal(self.estimate)

    def cut(self, limit: Limit, where: str) -> Stop:
        """The attempt talking to ``where`` was cut at its deadline."""
        if limit == "request timeout":
            return Stop(limit, f"request-timeout {seconds(self.limits.request_timeout)} reached talking to {where}")
        return Stop(
            "stage deadline", f"stage deadline (deadline {seconds(self.limits.deadline)}) reached talking to {where}"
        )
