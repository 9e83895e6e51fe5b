"""Progress on stderr: a spinner with the current step, shown only once a run has taken about a second.

Silent with ``-q`` and when stderr is not a terminal (hooks, CI, pipes); with ``-v`` each step is a plain line
instead. The pipeline only calls ``progress("analyzing 3 file(s)")``; this module decides whether and how to show it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # rich is imported only when a spinner is shown: hooks and pipes never pay for it
    from rich.console import Console
    from rich.status import Status

DELAY = 1.0  # seconds before anything is shown: fast runs stay quiet


class Spinner:
    """A callable progress sink: ``spinner(message)`` sets the current step. Use as a context manager."""

    def __init__(self, console: Console, *, delay: float = DELAY) -> None:
        self._console = console
        self._delay = delay
        self._message = "starting"
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._status: Status | None = None
        self._closed = False
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True

    def __rich__(self) -> str:
        """Rendered on every refresh, so the elapsed time ticks."""
        return f"reviewbot: {self._message} ({time.monotonic() - self._started:.0f}s)"

    def _show(self) -> None:
        with self._lock:
            if self._closed or self._status is not None:
                return
            from rich.status import Status

            self._status = Status(self, console=self._console, spinner="dots", refresh_per_second=4)
            self._status.start()

    def __call__(self, message: str) -> None:
        with self._lock:
            self._message = message

    def __enter__(self) -> Spinner:
        self._started = time.monotonic()
        if self._delay <= 0:
            self._show()
        else:
            self._timer.start()
        return self

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._status is not None:
                self._status.stop()  # transient: the line disappears

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Lines:
    """``-v``: every step as a line on stderr, with the time since the start."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._started = time.monotonic()

    def __call__(self, message: str) -> None:
        stream = self._stream or sys.stderr
        print(f"reviewbot: {message} [{time.monotonic() - self._started:.1f}s]", file=stream, flush=True)

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        return None


class Silent:
    def __call__(self, message: str) -> None:
        return None

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        return None


Reporter = Spinner | Lines | Silent


def for_cli(*, quiet: bool, verbose: int, stream: TextIO | None = None) -> Reporter:
    """The progress reporter for a command run: silent (-q, or stderr not a TTY), lines (-v), or a spinner."""
    if quiet:
        return Silent()
    if verbose:
        return Lines(stream)
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if not (callable(isatty) and isatty()):
        return Silent()
    from rich.console import Console

    return Spinner(Console(file=stream, stderr=True, highlight=False, markup=False))


Progress = Callable[[str], None]
