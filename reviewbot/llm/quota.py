"""The per-run quota of LLM calls and tokens (``max-calls``, ``max-tokens``).

Every HTTP request — first attempt, retry, parameter fallback, extra sample — takes one call with ``take_call``
before it is sent, atomically, so neither retries nor concurrent requests can exceed ``max-calls``. The token
budget is checked with the prompt's estimated size before each request; tokens are counted when a reply arrives,
so requests in flight may overshoot it by their own completions. Cache hits and dumps spend nothing; a replayed
cassette spends the calls it recorded (``add``), so a replay skips what the live run skipped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from reviewbot.llm.provider import Stop


@dataclass
class Quota:
    max_calls: int
    max_tokens: int
    calls: int = 0
    tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def refusal(self, prompt_estimate: int) -> Stop | None:
        """Why a request of about ``prompt_estimate`` tokens may not be sent now, or None (reserves nothing)."""
        with self._lock:
            return self._refusal(prompt_estimate)

    def take_call(self, prompt_estimate: int) -> Stop | None:
        """Reserve one call for a request about to be sent: None when reserved, else why not."""
        with self._lock:
            refused = self._refusal(prompt_estimate)
            if refused is None:
                self.calls += 1
            return refused

    def add(self, calls: int = 0, tokens: int = 0) -> None:
        """Count what was spent without a reservation (tokens of a reply; calls replayed from a cassette)."""
        with self._lock:
            self.calls += max(0, calls)
            self.tokens += max(0, tokens)

    def _refusal(self, prompt_estimate: int) -> Stop | None:
        if self.calls >= self.max_calls:
            return Stop("call budget", f"call budget reached (max-calls {self.max_calls})")
        if self.tokens + prompt_estimate > self.max_tokens:
            return Stop(
                "token budget", f"token budget reached (max-tokens {self.max_tokens}, {self.tokens} used)"
            )
        return None
