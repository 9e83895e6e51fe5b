"""Record and replay: every request/response pair of a run in one JSON file (a "cassette").

- ``Recorder`` wraps a provider and keeps each exchange (secrets redacted, request headers never stored);
  ``save`` writes the cassette atomically.
- ``ReplayProvider`` answers from a cassette, offline: by the request key (a hash of the exact messages, schema
  name and ``n``), else by the request's label ("review:path") when the prompt changed since recording (the
  analyzers found other evidence, a template was edited) — such replies are counted and reported. A request with
  neither raises ``LLMError(kind="cassette-miss")``, which degrades the review like any failed call.

Replaying and recording at once (``--llm-cassette A --record-cassette B``) re-keys a cassette to the current
prompts while keeping its replies: that is how the hand-written demo cassette is refreshed.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reviewbot.errors import ReviewbotError
from reviewbot.llm.limits import Gate
from reviewbot.llm.provider import Completion, LLMError, Message, Provider, Schema
from reviewbot.llm.redact import Redactor

FORMAT = "reviewbot-cassette"
VERSION = 1


def request_key(messages: Sequence[Message], schema: Schema | None, n: int) -> str:
    """The replay key of a request: independent of provider, endpoint and sampling parameters."""
    data = {
        "messages": [[m.role, m.content] for m in messages],
        "schema": schema.name if schema else None,
        "n": n,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def task_of(label: str) -> str:
    return label.partition(":")[0]


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReviewbotError(f"{path}: cassette not found") from None
    except (OSError, ValueError) as exc:
        raise ReviewbotError(f"{path}: not a readable cassette ({exc})") from None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("interactions"), list)
    ):
        raise ReviewbotError(f"{path}: not a reviewbot cassette (expected format {FORMAT!r})")
    return data


class ReplayProvider:
    name = "replay"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = load(path)
        entries = [e for e in self.data["interactions"] if isinstance(e, dict)]
        self.model = str(
            self.data.get("model") or next((e.get("model") for e in entries if e.get("model")), "replay")
        )
        self._by_key = {e["key"]: e for e in entries if isinstance(e.get("key"), str)}
        self._by_label: dict[tuple[str, int], dict[str, Any]] = {}
        for e in entries:
            label = e.get("label")
            n = int((e.get("request") or {}).get("n", 1))
            if isinstance(label, str):
                self._by_label.setdefault((label, n), e)
        self.used: set[int] = set()
        self._lock = threading.Lock()

    def identity(self) -> str:
        return f"replay|{self.path}"

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: Schema | None = None,
        n: int = 1,
        label: str = "",
        gate: Gate | None = None,
    ) -> Completion:
        key = request_key(messages, schema, n)
        entry = self._by_key.get(key)
        notes: tuple[str, ...] = ()
        if entry is None and label:
            entry = self._by_label.get((label, n))
            notes = ("replayed by label",)
        if entry is None:
            raise LLMError(f"no recorded reply for {label or key} in {self.path.name}", kind="cassette-miss")
        with self._lock:
            self.used.add(id(entry))
        response = entry.get("response") or {}
        texts = tuple(str(t) for t in response.get("texts") or ())
        return Completion(
            texts=texts,
            prompt_tokens=int(response.get("prompt_tokens") or 0),
            completion_tokens=int(response.get("completion_tokens") or 0),
            calls=int(response.get("calls") or 1),
            model=str(entry.get("model") or self.model),
            estimated=bool(response.get("estimated")),
            notes=notes,
        )

    def unused(self) -> list[dict[str, Any]]:
        return [e for e in self.data["interactions"] if isinstance(e, dict) and id(e) not in self.used]


class Recorder:
    """A provider that forwards to ``inner`` and keeps every exchange for the cassette."""

    def __init__(self, inner: Provider, redactor: Redactor) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.redactor = redactor
        self.interactions: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def identity(self) -> str:
        return self.inner.identity()

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: Schema | None = None,
        n: int = 1,
        label: str = "",
        gate: Gate | None = None,
    ) -> Completion:
        result = self.inner.complete(messages, schema=schema, n=n, label=label, gate=gate)
        entry = {
            "key": request_key(messages, schema, n),
            "label": label,
            "model": self.inner.model,
            "request": {
                "messages": [{"role": m.role, "content": m.content} for m in messages],
                "schema": schema.name if schema else None,
                "n": n,
            },
            "response": {
                "texts": list(result.texts),
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "calls": max(1, result.calls),
                "estimated": result.estimated,
            },
        }
        with self._lock:
            self.interactions.append(self.redactor.redact_data(entry))
        return result

    def save(self, path: Path, *, note: str = "", keep: Sequence[dict[str, Any]] = ()) -> int:
        """Write the cassette (sorted by label, so re-records diff well); ``keep``: extra entries to carry over."""
        seen = set()
        entries = []
        for e in sorted(self.interactions, key=lambda e: (str(e.get("label")), str(e.get("key")))):
            if e["key"] not in seen:
                seen.add(e["key"])
                entries.append(e)
        entries += [e for e in keep if e.get("key") not in seen]
        data = {
            "format": FORMAT,
            "version": VERSION,
            "model": self.inner.model,
            "note": note or "Recorded by `reviewbot review --record-cassette`.",
            "interactions": entries,
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.redactor.redact(text), encoding="utf-8")
        os.replace(tmp, path)
        return len(entries)
