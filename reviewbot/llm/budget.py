"""The per-run budget of calls and tokens. Checked before each request (with the prompt's estimated size);
once spent, the remaining requests are skipped and the review says which ones. A request in flight may overshoot
the token budget by its own completion; cache hits and replays of a dump spend nothing."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Budget:
    max_calls: int
    max_tokens: int
    calls: int = 0
    tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def reserve(self, prompt_estimate: int) -> str | None:
        """None when a request of about ``prompt_estimate`` tokens may start (one call is reserved), else why not."""
        with self._lock:
            if self.calls >= self.max_calls:
                return f"call budget reached (max-calls {self.max_calls})"
            if self.tokens + prompt_estimate > self.max_tokens:
                return f"token budget reached (max-tokens {self.max_tokens}, {self.tokens} used)"
            self.calls += 1
            return None

    def settle(self, calls: int, tokens: int) -> None:
        """Record what a request really cost (its reserved call included in ``calls``)."""
        with self._lock:
            self.calls += max(0, calls - 1)
            self.tokens += tokens

    def release(self) -> None:
        """A reserved request made no call after all."""
        with self._lock:
            self.calls = max(0, self.calls - 1)
