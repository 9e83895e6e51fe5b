"""The analyzer result cache: one JSON file per (analyzer, version, effective settings, file content) key.

A cache directory may be shared (CI caches, a team's home directories), so entries are plain JSON validated field
by field on the way in -- never pickle -- and carry a checksum of their payload. An entry that is unreadable,
truncated, of another schema, or fails validation is a miss: the analyzer runs and the entry is rewritten.
Entries are written to a temporary file and moved into place with ``os.replace``, so readers never see half an
entry and concurrent writers of the same key do not corrupt each other.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import functools
import hashlib
import json
import os
import tempfile
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar, Union

from reviewbot.models import AnalyzerResult, Fact, Finding, Fix, Metric, Silenced

SCHEMA = 2
T = TypeVar("T")


class CorruptEntry(ValueError):
    """A cache entry that must not be trusted."""


def make_key(*parts: object) -> str:
    """A hex digest over ``parts`` (JSON-encoded, so ("a", "bc") and ("ab", "c") differ)."""
    blob = json.dumps([SCHEMA, *parts], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def adapters_digest() -> str:
    """A digest of the analyzer adapters' own code (the package ``reviewbot.analyzers``): their filters and
    mappings decide what a cached result holds, so a changed adapter must not be answered from an old entry even
    when reviewbot's version number did not move."""
    import reviewbot.analyzers as package

    h = hashlib.sha256()
    for folder in package.__path__:
        for path in sorted(Path(folder).rglob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


class Cache:
    """Analyzer results under ``root`` (``--cache-dir``; the XDG cache dir by default)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # corrupt entries seen (then rewritten)

    def _path(self, key: str) -> Path:
        if len(key) < 8 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.root / "analyzers" / f"v{SCHEMA}" / key[:2] / f"{key}.json"

    def get(self, key: str) -> AnalyzerResult | None:
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            result = decode_entry(raw, key)
        except CorruptEntry:
            self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: AnalyzerResult) -> None:
        """Store ``result`` (its error must be empty: failures are never cached). Write errors are ignored: a
        read-only or full cache directory only costs speed."""
        if result.error:
            return
        write_atomic(self._path(key), encode_entry(result, key))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file moved into place (readers never see half of it).
    Write errors are ignored: a read-only or full cache directory only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass


def plain(value: Any) -> Any:
    """``value`` (dataclasses, enums, tuples) as JSON-ready lists, dicts and scalars."""
    return _plain(value)


def build(cls: type[T], data: Any) -> T:
    """An instance of the dataclass ``cls`` from what ``plain`` made of one, every field checked (CorruptEntry)."""
    return _build(cls, data)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list, frozenset, set)):
        return [_plain(v) for v in value]
    return value


def _payload(result: AnalyzerResult) -> dict[str, Any]:
    return {
        "findings": _plain(result.findings),
        "facts": _plain(result.facts),
        "metrics": _plain(result.metrics),
        "notes": list(result.notes),
        "silenced": _plain(result.silenced),
    }


def encode_entry(result: AnalyzerResult, key: str) -> bytes:
    payload = _payload(result)
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    entry = {"schema": SCHEMA, "key": key, "sha256": digest, "result": payload}
    return json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")


def decode_entry(raw: bytes, key: str) -> AnalyzerResult:
    try:
        entry = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CorruptEntry(f"not JSON: {exc}") from None
    if not isinstance(entry, dict) or set(entry) != {"schema", "key", "sha256", "result"}:
        raise CorruptEntry("not a cache entry")
    if entry["schema"] != SCHEMA or entry["key"] != key:
        raise CorruptEntry("another schema or key")
    payload = entry["result"]
    if not isinstance(payload, dict) or set(payload) != {"findings", "facts", "metrics", "notes", "silenced"}:
        raise CorruptEntry("bad payload")
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    if hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest() != entry["sha256"]:
        raise CorruptEntry("checksum mismatch")
    return AnalyzerResult(
        findings=tuple(_build(Finding, item) for item in _items(payload["findings"])),
        facts=tuple(_build(Fact, item) for item in _items(payload["facts"])),
        metrics=tuple(_build(Metric, item) for item in _items(payload["metrics"])),
        notes=tuple(_check(str, n) for n in _items(payload["notes"])),
        silenced=tuple(_build(Silenced, item) for item in _items(payload["silenced"])),
    )


def _items(value: Any) -> Iterable[Any]:
    if not isinstance(value, list):
        raise CorruptEntry("expected a list")
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _build(cls: type[T], data: Any) -> T:
    """An instance of the dataclass ``cls`` from ``data``, every field type-checked; unknown keys rejected."""
    if not isinstance(data, dict):
        raise CorruptEntry(f"{cls.__name__}: expected an object")
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    if not set(data) <= names:
        raise CorruptEntry(f"{cls.__name__}: unknown fields {sorted(set(data) - names)}")
    kwargs = {name: _convert(hints[name], value) for name, value in data.items()}
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise CorruptEntry(f"{cls.__name__}: {exc}") from None


def _convert(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value)
            except CorruptEntry:
                continue
        raise CorruptEntry(f"{value!r} is not {hint}")
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis or len(args) == 1:
            return tuple(_convert(args[0], v) for v in _items(value))
        items = list(_items(value))
        if len(items) != len(args):
            raise CorruptEntry(f"{value!r} is not {hint}")
        return tuple(_convert(a, v) for a, v in zip(args, items))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            raise CorruptEntry(f"{value!r} is not a {hint.__name__}") from None
    if hint is Fix or (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
        return _build(hint, value)
    if origin in (dict, Mapping, collections.abc.Mapping):
        key_hint, value_hint = typing.get_args(hint) or (str, object)
        if not isinstance(value, dict):
            raise CorruptEntry(f"{value!r} is not an object")
        return {_convert(key_hint, k): _convert(value_hint, v) for k, v in value.items()}
    if origin is frozenset:
        return frozenset(_convert(typing.get_args(hint)[0], v) for v in _items(value))
    if hint is object:
        return _json_value(value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CorruptEntry(f"{value!r} is not a number")
        return float(value)
    if hint in (int, str, bool):
        return _check(hint, value)
    raise CorruptEntry(f"unsupported field type {hint}")


def _json_value(value: Any) -> Any:
    """A value of an ``object`` field (a verdict's signals): plain JSON, nothing else."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _json_value(v) for k, v in value.items()}
    raise CorruptEntry(f"{value!r} is not JSON")


def _check(kind: type[T], value: Any) -> T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CorruptEntry(f"{value!r} is not a {kind.__name__}")
    return value
