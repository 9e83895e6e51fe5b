"""``--dump-prompts DIR``: a provider that writes each request's exact messages to DIR and calls no model.

One text file per request (``NNN-<task>-<label>.txt``, the messages verbatim between marker lines) and an
``index.json`` with the label, the replay key (the cassette's ``request_key``), the schema, ``n`` and the estimated
prompt tokens of each (the benchmarks read it; a cassette can be built from answers to the dumped prompts).

With ``--llm-cassette`` too, ``ReplayThenDump`` replays what the cassette holds and dumps only the rest: the
prompts of a later step built from recorded replies (the verify prompts that check recorded review comments).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reviewbot.llm.cassette import ReplayProvider, request_key
from reviewbot.llm.limits import Gate
from reviewbot.llm.provider import Completion, LLMError, Message, Schema, estimate_messages

_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


class DumpProvider:
    name = "dump"

    def __init__(self, directory: Path, model: str = "") -> None:
        self.directory = directory
        self.model = model or "dump"
        self.entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        directory.mkdir(parents=True, exist_ok=True)

    def identity(self) -> str:
        return f"dump|{self.directory}"

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: Schema | None = None,
        n: int = 1,
        label: str = "",
        gate: Gate | None = None,
    ) -> Completion:
        with self._lock:
            number = len(self.entries) + 1
            task, _, rest = (label or "request").partition(":")
            slug = _SLUG.sub("_", rest.replace("/", "_"))[:80].strip("_")
            name = f"{number:03d}-{task}" + (f"-{slug}" if slug else "") + ".txt"
            parts = []
            for m in messages:
                parts.append(f"===== {m.role} =====\n{m.content}")
            (self.directory / name).write_text("\n".join(parts) + "\n", encoding="utf-8")
            self.entries.append(
                {
                    "file": name,
                    "label": label,
                    "key": request_key(messages, schema, n),
                    "schema": schema.name if schema else None,
                    "n": n,
                    "prompt_tokens_estimate": estimate_messages(messages),
                    "chars": sum(len(m.content) for m in messages),
                }
            )
        return Completion(texts=(), calls=0, model=self.model)

    def write_index(self) -> None:
        data = {"requests": self.entries}
        (self.directory / "index.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


class ReplayThenDump:
    """Replay from the cassette; a request it has no reply for is dumped (an empty reply, no model called)."""

    name = "replay+dump"

    def __init__(self, replay: ReplayProvider, dump: DumpProvider) -> None:
        self.replay, self.dump = replay, dump
        self.model = replay.model

    def identity(self) -> str:
        return f"{self.replay.identity()}+{self.dump.identity()}"

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: Schema | None = None,
        n: int = 1,
        label: str = "",
        gate: Gate | None = None,
    ) -> Completion:
        try:
            return self.replay.complete(messages, schema=schema, n=n, label=label, gate=gate)
        except LLMError as exc:
            if exc.kind != "cassette-miss":
                raise
        return self.dump.complete(messages, schema=schema, n=n, label=label, gate=gate)
