"""A watchdog that ends one HTTP attempt at its deadline, even while a read is blocked.

httpx/httpcore (sync) read with ``socket.settimeout(read timeout); sock.recv()``: the timeout is per read, so a
server that sends one byte now and then never trips it. Closing from another thread does not help either:
``response.close()``, ``client.close()``, the network stream's ``close()`` or ``socket.close()`` leave the blocked
``recv`` waiting out its full read timeout (measured on Linux: 5.0 s of 5 s, for headers and body alike). What
wakes it at once is ``shutdown(SHUT_RDWR)`` on the socket: the read returns end-of-file and httpx raises
``RemoteProtocolError`` (0.5 s of 0.5 s, plain and TLS).

The socket comes from httpcore's ``trace`` request extension (``connection.connect_tcp.complete`` and
``connection.start_tls.complete`` return the new network stream) or, for a connection reused from the pool, from
the response's ``network_stream`` extension once the headers are in. Every attempt sends ``Connection: close``, so
no connection is reused and each attempt is covered from its first byte. (A connection that was already idle in an
injected client's pool is covered once its headers are in; before that each read is bounded by the read timeout,
clamped to the deadline, which a server trickling its headers could renew.)
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from reviewbot.llm.limits import Clock

_NEW_STREAM = (
    "connection.connect_tcp.complete",
    "connection.connect_unix_socket.complete",
    "connection.start_tls.complete",
)


class Watchdog:
    def __init__(self, deadline: float, clock: Clock = time.monotonic) -> None:
        self.deadline = deadline
        self.clock = clock
        self.fired = False
        self._sock: socket.socket | None = None
        self._done = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's ``trace`` extension: remember the connection's socket as soon as it exists."""
        if event in _NEW_STREAM:
            self._adopt(info.get("return_value"))

    def watch(self, response: httpx.Response) -> None:
        """The response's connection (the only way to reach a connection reused from the pool)."""
        self._adopt(response.extensions.get("network_stream"))

    def __enter__(self) -> Watchdog:
        self._timer = threading.Timer(max(0.0, self.deadline - self.clock()), self._fire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            self._done = True
        if self._timer is not None:
            self._timer.cancel()

    def _adopt(self, stream: Any) -> None:
        get = getattr(stream, "get_extra_info", None)
        sock = get("socket") if callable(get) else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sock = sock
            late = self.fired and not self._done
        if late:
            _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            sock = self._sock
        if sock is not None:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        # The plain socket method, also for an SSLSocket (whose own shutdown() first drops its SSL object, which
        # the reading thread is still using).
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed, or detached by the TLS upgrade (the handshake is bounded by the connect timeout)
