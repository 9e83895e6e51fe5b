"""Baselines: the findings a codebase already has, by fingerprint, so that ``review --baseline FILE`` reports only
new ones (for adopting reviewbot on an old codebase).

A fingerprint is (tool, rule, path, normalized code of the lines), never the line number, so a baseline survives
unrelated edits that move code around. The file counts each fingerprint: when the same flagged line exists twice and
a change adds a third copy, one finding is new. Which copies count as known is decided outside the change first, so
the copy a change adds is the one reported.

The file is JSON, sorted, one finding per entry, with no code in it (a finding's code may be a hardcoded secret)::

    {"schema": "reviewbot-baseline", "version": 1,
     "findings": [{"fingerprint": "...", "tool": "bandit", "rule": "B602", "path": "app.py", "count": 1}]}
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewbot.errors import ReviewbotError
from reviewbot.models import DiffPosition, Finding, SourceFile, finding_fingerprint, line_span

SCHEMA = "reviewbot-baseline"
VERSION = 1
DEFAULT_NAME = ".reviewbot-baseline.json"
_FINGERPRINT = re.compile(r"^[0-9a-f]{8,64}$")


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    tool: str
    rule: str
    path: str
    count: int = 1


def fingerprint_of(finding: Finding, text: str | None) -> str:
    """The finding's own fingerprint, or one computed the same way from the code of its lines."""
    if finding.fingerprint:
        return finding.fingerprint
    code = line_span(text or "", finding.line, finding.end_line)
    return finding_fingerprint(finding.tool, finding.rule_id, finding.path, code)


def entries(findings: Iterable[Finding], files: Sequence[SourceFile]) -> tuple[Entry, ...]:
    """The baseline entries of these findings: one per fingerprint, with how many findings share it."""
    texts = {sf.path: sf.text for sf in files}
    counts: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for f in findings:
        fp = fingerprint_of(f, texts.get(f.path))
        counts[fp] += 1
        first.setdefault(fp, f)
    out = [Entry(fp, first[fp].tool, first[fp].rule_id, first[fp].path, n) for fp, n in counts.items()]
    return tuple(sorted(out, key=lambda e: (e.path, e.tool, e.rule, e.fingerprint)))


@dataclass(frozen=True)
class Baseline:
    counts: Mapping[str, int]
    origin: str = ""

    def __len__(self) -> int:
        return sum(self.counts.values())

    def known(
        self, findings: Sequence[Finding], files: Sequence[SourceFile], skip: Collection[int] = ()
    ) -> frozenset[int]:
        """The indices of the placed ``findings`` the baseline already has; those at ``skip`` (suppressed) are
        not matched. Nothing is cut here: ``filtering.select`` decides and counts.

        Copies outside the change are matched first, so the copy a change adds is the new one."""
        by_path = {sf.path: sf for sf in files}
        left = Counter(self.counts)

        def outside_first(i: int) -> tuple[bool, str, int]:
            f = findings[i]
            return (f.position is DiffPosition.ADDED, f.path, f.line)

        known: set[int] = set()
        for i in sorted((i for i in range(len(findings)) if i not in skip), key=outside_first):
            f = findings[i]
            sf = by_path.get(f.path)
            fp = fingerprint_of(f, sf.text if sf else None)
            if left[fp] > 0:
                left[fp] -= 1
                known.add(i)
        return frozenset(known)


def dumps(items: Iterable[Entry]) -> str:
    doc = {
        "schema": SCHEMA,
        "version": VERSION,
        "findings": [
            {"fingerprint": e.fingerprint, "tool": e.tool, "rule": e.rule, "path": e.path, "count": e.count}
            for e in items
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def loads(text: str, origin: str) -> Baseline:
    """Parse a baseline; any problem is a ReviewbotError naming ``origin`` (exit 2)."""

    def bad(why: str) -> ReviewbotError:
        return ReviewbotError(f"{origin}: not a valid reviewbot baseline: {why}")

    try:
        doc: Any = json.loads(text)
    except ValueError as exc:
        raise bad(f"invalid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise bad(f"missing \"schema\": \"{SCHEMA}\"")
    if doc.get("version") != VERSION:
        raise bad(f"unsupported version {doc.get('version')!r} (expected {VERSION})")
    items = doc.get("findings")
    if not isinstance(items, list):
        raise bad('"findings" must be a list')
    counts: Counter[str] = Counter()
    for n, item in enumerate(items):
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        count = item.get("count", 1) if isinstance(item, dict) else None
        if not isinstance(fp, str) or not _FINGERPRINT.match(fp):
            raise bad(f"findings[{n}]: missing or malformed fingerprint")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise bad(f"findings[{n}]: count must be a positive integer")
        counts[fp] += count
    return Baseline(dict(counts), origin)


def load(path: Path) -> Baseline:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReviewbotError(f"{path}: baseline file not found (create it with `reviewbot baseline`)") from None
    except OSError as exc:
        raise ReviewbotError(f"{path}: cannot read baseline ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReviewbotError(f"{path}: not a valid reviewbot baseline: not UTF-8 text") from None
    return loads(text, str(path))


def write(path: Path, items: Iterable[Entry]) -> None:
    """Write atomically (a temp file in the same directory, then rename)."""
    text = dumps(items)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise ReviewbotError(f"{path}: cannot write baseline ({exc.strerror or exc})") from exc
