"""A local HTTP server (127.0.0.1 only) that speaks the OpenAI chat-completions and the Anthropic messages
protocols and replays scripted replies: queued ``Reply`` values, or a handler function deciding per request.

Every request is recorded (method, path, query, headers, JSON body, and when it arrived) so tests can assert what
was sent, and how many requests came. A reply can also be hostile: late (``delay``), or trickled one byte at a
time (``trickle``), from the status line or only the body, and without end (``endless``).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None  # JSON-serialisable, or str sent as is
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (read-timeout tests)
    trickle: float = 0.0  # > 0: send the reply one byte at a time, this many seconds apart
    trickle_headers: bool = True  # trickle from the status line on (False: headers at once, then the body)
    endless: bool = False  # with trickle: never finish (a header line, or a body announced as 1 GB, that grows)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # lower-case names
    body: Any
    at: float = 0.0  # time.monotonic() when the request had arrived


Handler = Callable[[Seen], Reply]


def openai_body(
    texts: list[str] | str,
    *,
    prompt_tokens: int | None = 100,
    completion_tokens: int = 20,
    model: str = "fake-model",
) -> dict[str, Any]:
    if isinstance(texts, str):
        texts = [texts]
    body: dict[str, Any] = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {"index": i, "message": {"role": "assistant", "content": t}, "finish_reason": "stop"}
            for i, t in enumerate(texts)
        ],
    }
    if prompt_tokens is not None:
        body["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
    return body


def anthropic_body(
    text: str, *, input_tokens: int = 120, output_tokens: int = 30, model: str = "claude-test"
) -> dict[str, Any]:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def error_body(
    message: str, *, param: str | None = None, code: str | None = None, type_: str = "invalid_request_error"
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


class FakeServer:
    def __init__(self, handler: Handler | None = None) -> None:
        self.handler = handler
        self.queue: deque[Reply] = deque()
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.cut_off = 0  # replies the client hung up on before they were complete

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self.queue.extend(replies)

    def bodies(self, path_suffix: str = "") -> list[Any]:
        return [s.body for s in self.seen if s.path.endswith(path_suffix)]

    def _answer(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            if self.queue:
                return self.queue.popleft()
        if self.handler is not None:
            return self.handler(seen)
        return Reply(500, error_body("no scripted reply left", type_="server_error"))

    def start(self) -> FakeServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between headers and body

            def log_message(self, format: str, *args: Any) -> None:  # silence
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                parts = urlsplit(self.path)
                seen = Seen(
                    "POST",
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    time.monotonic(),
                )
                reply = server._answer(seen)
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                payload = reply.body if isinstance(reply.body, (str, bytes)) else json.dumps(reply.body)
                data = payload.encode() if isinstance(payload, str) else payload
                length = 10**9 if reply.endless else len(data)
                head = [f"HTTP/1.1 {reply.status} {self.responses.get(reply.status, ('',))[0]}"]
                head += ["Content-Type: application/json", f"Content-Length: {length}"]
                head += [f"{k}: {v}" for k, v in reply.headers.items()]
                head_bytes = ("\r\n".join(head) + "\r\n\r\n").encode()
                try:
                    if not reply.trickle:
                        self.wfile.write(head_bytes + data)
                    elif reply.trickle_headers:
                        slow = head_bytes[:-2] + b"X-Slow: " if reply.endless else head_bytes + data
                        self._trickle(slow, reply.trickle, forever=b"a" if reply.endless else b"")
                    else:
                        self.wfile.write(head_bytes)
                        self.wfile.flush()
                        self._trickle(data, reply.trickle, forever=b" " if reply.endless else b"")
                except (BrokenPipeError, ConnectionResetError):
                    with server._lock:
                        server.cut_off += 1  # the client gave up (timeout, deadline)
                    self.close_connection = True

            def _trickle(self, data: bytes, pause: float, forever: bytes) -> None:
                i = 0
                while i < len(data) or forever:
                    self.wfile.write(data[i : i + 1] if i < len(data) else forever)
                    self.wfile.flush()
                    i += 1
                    if server._stopping.wait(pause):
                        return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


@contextmanager
def running(handler: Handler | None = None) -> Iterator[FakeServer]:
    server = FakeServer(handler).start()
    try:
        yield server
    finally:
        server.stop()
