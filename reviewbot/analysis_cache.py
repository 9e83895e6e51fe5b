"""The analyzer stage's result cache: keys looked up before a run, fresh results stored after; starts no process.

A ``per_file`` adapter is cached per file (key: analyzer, version, effective settings, the file's content,
pre-image and changed lines), and runs only on the misses; any other adapter is cached as a whole when it offers
``cache_key(files, ctx)`` (the facts analyzer keys on the repository state too), otherwise never. A failing cache
hook (``settings_key``, ``cache_key``) only costs the cache. The store itself is ``reviewbot.cache``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewbot import __version__
from reviewbot.analyzers.base import AnalysisContext, Analyzer, Options, Traits
from reviewbot.cache import Cache, adapters_digest, make_key
from reviewbot.models import AnalyzerResult, SourceFile


@dataclass
class Cached:
    """What the cache answered for one analyzer, and the keys its fresh results are stored under."""

    results: list[AnalyzerResult] = field(default_factory=list)
    files: int = 0  # files answered from the cache
    keys: dict[str, str] = field(default_factory=dict)  # file path -> per-file cache key
    whole_key: str | None = None


def lookup(
    analyzer: Analyzer, name: str, version: str, ctx: AnalysisContext, files: Sequence[SourceFile], cache: Cache
) -> tuple[Cached, list[SourceFile]]:
    """The cached results of ``analyzer`` for ``files``, and the files it must still run on."""
    cached = Cached()
    misses = list(files)
    traits = Traits.of(analyzer)
    try:
        base = [__version__, adapters_digest(), name, version, ctx.options.model_dump_json(), ctx.scope, ctx.python,
                _settings(traits, ctx)]
        if traits.per_file:
            misses = []
            for sf in files:
                key = make_key(*base, _file_key(sf))
                cached.keys[sf.path] = key
                hit = cache.get(key)
                if hit is None:
                    misses.append(sf)
                else:
                    cached.results.append(hit)
                    cached.files += 1
        else:
            whole = traits.cache_key(files, ctx) if traits.cache_key is not None else None
            if whole is not None:
                cached.whole_key = make_key(*base, whole)
                hit = cache.get(cached.whole_key)
                if hit is not None:
                    cached.results.append(hit)
                    cached.files = len(files)
                    misses = []
    except Exception:  # noqa: BLE001 - a failing cache hook (settings_key, cache_key) only costs the cache
        return Cached(), list(files)
    return cached, misses


def store(cached: Cached, cache: Cache, files: Sequence[SourceFile], result: AnalyzerResult) -> None:
    """Store a successful ``result`` of a run on ``files``: whole, or split per file under each file's key."""
    if cached.whole_key is not None:
        cache.put(cached.whole_key, result)
        return
    for sf in files:
        key = cached.keys.get(sf.path)
        if key is None:
            continue
        part = _for_file(result, sf)
        if any("timed out" in n for n in part.notes):  # a slow machine today is not a property of the file
            continue
        cache.put(key, part)


def _hash_text(text: str | None) -> str:
    if text is None:
        return "-"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _file_key(sf: SourceFile) -> list[Any]:
    return [sf.path, sf.old_path, _hash_text(sf.text), _hash_text(sf.before), sorted(sf.added_lines), list(sf.hunks)]


def _settings(traits: Traits, ctx: AnalysisContext) -> str:
    return str(traits.settings_key(ctx)) if traits.settings_key is not None else ""


def _for_file(result: AnalyzerResult, sf: SourceFile) -> AnalyzerResult:
    paths = {sf.path, sf.old_path} - {None}
    prefixes = tuple(f"{p}: " for p in paths if p)
    return AnalyzerResult(
        findings=tuple(f for f in result.findings if f.path in paths),
        facts=tuple(f for f in result.facts if f.path in paths),
        metrics=tuple(m for m in result.metrics if m.path in paths),
        notes=tuple(n for n in result.notes if n.startswith(prefixes)),
        silenced=tuple(s for s in result.silenced if s.path in paths),
    )


# The discriminator's verification memo (discriminator/memo.py) is keyed by this: it may not know the adapters.
def fingerprint(analyzers: Sequence[Analyzer], options: Mapping[str, Options], python: str = "") -> str:
    """What of the analyzers decides a re-analysis: for each, its name, version, options and extra settings (rule
    file contents, an rc file), with the target Python, reviewbot's version and the adapters' code digest.

    A hook that fails makes the whole fingerprint unusable (ValueError): then nothing is memoised."""
    parts: list[Any] = [__version__, adapters_digest(), python]
    for analyzer in analyzers:
        traits = Traits.of(analyzer)
        name = traits.name
        opts = options.get(name) or analyzer.Options()
        ctx = AnalysisContext(Path("."), opts, None, None, "file", python)
        try:
            extra = str(traits.settings_key(ctx)) if traits.settings_key is not None else ""
            parts.append([name, analyzer.version(), opts.model_dump_json(), extra])
        except Exception as exc:  # noqa: BLE001 - an adapter's failing hook only costs the memo
            raise ValueError(f"{name}: {exc}") from None
    return make_key("reanalysis", *parts)
