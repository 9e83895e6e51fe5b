"""The verification memo: what re-analysis said about a suggested fix, kept across runs.

Re-analysing the patched variants (reanalysis.py) is the slowest step of ranking: the analyzers start again on
every variant. Its outcome for one fix depends only on the file's path and text, the fix (the patched text and
where the replacement sits), and the analyzers that ran: their names and versions, their options and rule files,
the target Python, reviewbot's version and the code of its adapters (``cache.adapters_digest``). The memo keeps the
outcome under a key over all of these, in the cache directory next to the analyzer results, so a re-run of an
unchanged review re-analyses nothing and starts no analyzer process, while a changed file, fix, analyzer version or
setting is a miss that is re-analysed (and then kept).

Like the analyzer cache (reviewbot/cache.py), entries are plain JSON with a checksum, validated field by field when
read; a damaged entry is a miss and is rewritten. An outcome from a batch in which an analyzer failed is never
kept: what that analyzer would have said is unknown.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from reviewbot.cache import CorruptEntry, build, make_key, plain, write_atomic
from reviewbot.discriminator.reanalysis import Batch, Outcome, Reanalyze, Variant, run_batch
from reviewbot.models import Finding

SCHEMA = 1
_FIELDS = {"baseline", "resolves", "introduces", "expected", "complexity_delta", "symbol", "ran"}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Memo:
    """Outcomes of re-analysis under ``root`` (the cache directory). ``salt`` computes the analyzers' fingerprint
    (``reviewbot.analysis_cache.fingerprint``), once, only when a fix is looked up."""

    def __init__(self, root: Path, salt: Callable[[], str]) -> None:
        self.root = Path(root)
        self._salt = salt
        self._fingerprint: str | None = None
        self.hits = 0
        self.misses = 0
        self.stored = 0
        self.usable = True

    def fingerprint(self) -> str | None:
        if self._fingerprint is None and self.usable:
            try:
                self._fingerprint = self._salt()
            except Exception:  # noqa: BLE001 - an analyzer that cannot say what it is: re-analyse every time
                self.usable = False
        return self._fingerprint

    def key(self, v: Variant) -> str | None:
        salt = self.fingerprint()
        if salt is None:
            return None
        a = v.applied
        return make_key("verified-fix", SCHEMA, salt, v.original.path, _sha(v.original.text), a.start_line,
                        a.new_lines, a.old_lines, _sha(a.text))

    def _path(self, key: str) -> Path:
        return self.root / "verified" / f"v{SCHEMA}" / key[:2] / f"{key}.json"

    def get(self, key: str) -> tuple[Outcome, tuple[str, ...]] | None:
        """The outcome and the analyzers that produced it, or None (missing or damaged)."""
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            found = decode(raw, key)
        except CorruptEntry:
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, key: str, outcome: Outcome, ran: Sequence[str]) -> None:
        write_atomic(self._path(key), encode(outcome, ran, key))
        self.stored += 1


def encode(outcome: Outcome, ran: Sequence[str], key: str) -> bytes:
    index = {id(f): i for i, f in enumerate(outcome.baseline)}
    payload = {
        "baseline": plain(outcome.baseline),
        "resolves": [index[id(f)] for f in outcome.resolves],  # resolved findings are findings of the baseline
        "introduces": plain(outcome.introduces),
        "expected": plain(outcome.expected),
        "complexity_delta": outcome.complexity_delta,
        "symbol": outcome.symbol,
        "ran": list(ran),
    }
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    entry = {"schema": SCHEMA, "key": key, "sha256": _sha(body), "result": payload}
    return json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")


def decode(raw: bytes, key: str) -> tuple[Outcome, tuple[str, ...]]:
    try:
        entry = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CorruptEntry("not JSON") from None
    if not isinstance(entry, dict) or set(entry) != {"schema", "key", "sha256", "result"}:
        raise CorruptEntry("not a memo entry")
    if entry["schema"] != SCHEMA or entry["key"] != key:
        raise CorruptEntry("another schema or key")
    p = entry["result"]
    if not isinstance(p, dict) or set(p) != _FIELDS:
        raise CorruptEntry("bad payload")
    if _sha(json.dumps(p, sort_keys=True, ensure_ascii=False)) != entry["sha256"]:
        raise CorruptEntry("checksum mismatch")
    baseline = tuple(build(Finding, f) for f in _list(p["baseline"]))
    resolves = []
    for i in _list(p["resolves"]):
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(baseline):
            raise CorruptEntry("bad index")
        resolves.append(baseline[i])
    delta = p["complexity_delta"]
    if delta is not None and (isinstance(delta, bool) or not isinstance(delta, (int, float))):
        raise CorruptEntry("bad complexity delta")
    if not isinstance(p["symbol"], str) or not all(isinstance(r, str) for r in _list(p["ran"])):
        raise CorruptEntry("bad symbol or analyzers")
    outcome = Outcome(
        resolves=tuple(resolves),
        introduces=tuple(build(Finding, f) for f in _list(p["introduces"])),
        expected=tuple(build(Finding, f) for f in _list(p["expected"])),
        baseline=baseline,
        complexity_delta=None if delta is None else float(delta),
        symbol=p["symbol"],
    )
    return outcome, tuple(p["ran"])


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise CorruptEntry("expected a list")
    return value


def run_memoised(
    variants: Sequence[Variant],
    reanalyze: Reanalyze,
    scratch: Path,
    memo: Memo | None,
    progress: Callable[[str], None] | None = None,
) -> Batch:
    """``run_batch`` for the variants the memo does not know; the others' outcomes come from the memo. With every
    variant known, no analyzer runs."""
    say = progress or (lambda _msg: None)
    if memo is None:
        say(f"re-analysing {_fixes(len(variants))}")
        return run_batch(variants, reanalyze, scratch)
    started = time.monotonic()
    keys = {v.key: memo.key(v) for v in variants}
    known: dict[int, tuple[Outcome, tuple[str, ...]]] = {}
    for v in variants:
        key = keys[v.key]
        found = memo.get(key) if key is not None else None
        if found is not None:
            known[v.key] = found
    todo = [v for v in variants if v.key not in known]
    if todo:
        say(f"re-analysing {_fixes(len(todo))}" + (f" ({len(known)} verified before)" if known else ""))
    fresh = run_batch(todo, reanalyze, scratch) if todo else Batch({}, (), (), 0.0)
    if not fresh.failed:
        for v in todo:
            key, outcome = keys[v.key], fresh.outcomes.get(v.key)
            if key is not None and outcome is not None:
                memo.put(key, outcome, fresh.ran)
    ran = list(fresh.ran)
    for _, names in known.values():
        ran += [n for n in names if n not in ran]
    outcomes = {k: outcome for k, (outcome, _) in known.items()}
    outcomes.update(fresh.outcomes)
    return replace(fresh, outcomes=outcomes, ran=tuple(ran), seconds=round(time.monotonic() - started, 3))


def _fixes(n: int) -> str:
    return f"{n} suggested fix{'es' * (n != 1)}"
