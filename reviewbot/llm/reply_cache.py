"""The response cache: a re-run of the same diff with the same settings makes zero calls.

Keyed by (provider identity — kind, endpoint, model —, the exact messages, the schema, ``n`` and the sampling
parameters). One JSON file per reply under ``<cache-dir>/llm/``; unreadable entries are ignored (and rewritten).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from reviewbot.llm.provider import Completion, Message, Params, Schema

CACHE_VERSION = 1


def cache_key(
    identity: str, messages: Sequence[Message], schema: Schema | None, n: int, params: Params
) -> str:
    data = {
        "v": CACHE_VERSION,
        "provider": identity,
        "messages": [[m.role, m.content] for m in messages],
        "schema": [schema.name, dict(schema.body)] if schema else None,
        "n": n,
        "params": [params.temperature, params.max_output_tokens, dict(params.extra)],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class ResponseCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Completion | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            texts = tuple(str(t) for t in data["texts"])
            return Completion(
                texts=texts,
                prompt_tokens=int(data.get("prompt_tokens", 0)),
                completion_tokens=int(data.get("completion_tokens", 0)),
                calls=0,
                model=str(data.get("model", "")),
                estimated=bool(data.get("estimated", False)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, completion: Completion) -> None:
        if not completion.texts:
            return
        data = asdict(completion)
        data.pop("notes", None)
        data.pop("calls", None)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs a call next time
