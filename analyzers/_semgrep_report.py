"""Reads a semgrep JSON report: results into Findings (fixes as whole-line replacements), errors into notes; pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reviewbot.analyzers import _source
from reviewbot.analyzers._focus import Focus
from reviewbot.analyzers.base import SourceFile
from reviewbot.models import Confidence, Finding, Fix, Severity, finding_fingerprint
from reviewbot.rulepack import Rule

_SEVERITY = {
    "ERROR": Severity.ERROR,
    "CRITICAL": Severity.ERROR,
    "HIGH": Severity.ERROR,
    "WARNING": Severity.WARNING,
    "MEDIUM": Severity.WARNING,
    "INFO": Severity.INFO,
    "LOW": Severity.INFO,
    "INVENTORY": Severity.INFO,
    "EXPERIMENT": Severity.INFO,
}
_CONFIDENCE = {"HIGH": Confidence.HIGH, "MEDIUM": Confidence.MEDIUM, "LOW": Confidence.LOW}
_CWE = re.compile(r"CWE-(\d+)", re.IGNORECASE)


def error_note(err: Any, by_path: Mapping[str, SourceFile]) -> str:
    if not isinstance(err, dict):
        return f"semgrep: {err}"
    where = ""
    path = err.get("path")
    if path:
        sf = by_path.get(str(path))
        where = f"{sf.path if sf else path}: "
    kind = err.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    text = err.get("message") or err.get("short_msg") or ""
    text = " ".join(str(text).split())[:300]
    rule = f" (rule {err['rule_id']})" if err.get("rule_id") else ""
    return f"{where}semgrep {kind or 'error'}{rule}: {text}".rstrip(": ")


def _rule_id(check_id: str, known: Mapping[str, Rule]) -> str:
    if check_id in known:
        return check_id
    for rid in sorted(known, key=len, reverse=True):
        if check_id.endswith("." + rid):
            return rid
    return check_id


def _cwe(metadata_: Mapping[str, Any]) -> int | None:
    value = metadata_.get("cwe")
    for item in value if isinstance(value, list) else [value]:
        m = _CWE.search(str(item)) if item is not None else None
        if m:
            return int(m.group(1))
    return None


def _fix(text: str, start: Mapping[str, Any], end: Mapping[str, Any], replacement: str, rule: str) -> Fix | None:
    """semgrep's fix replaces bytes start..end; a reviewbot Fix replaces whole lines."""
    data = text.encode("utf-8", "surrogatepass")
    try:
        s_off, e_off = int(start["offset"]), int(end["offset"])
    except (KeyError, TypeError, ValueError):
        return None
    if not 0 <= s_off <= e_off <= len(data):
        return None
    line_start = data.rfind(b"\n", 0, s_off) + 1
    nl = data.find(b"\n", e_off)
    line_end = len(data) if nl < 0 else nl + 1
    new = data[line_start:s_off] + replacement.encode("utf-8", "surrogatepass") + data[e_off:line_end]
    if not new.endswith(b"\n"):
        new += b"\n"
    first = data.count(b"\n", 0, line_start) + 1
    last = first + data.count(b"\n", line_start, max(line_start, line_end - 1))
    return Fix(first, last, new.decode("utf-8", "surrogatepass"), f"semgrep autofix ({rule})")


def finding(
    result: Mapping[str, Any],
    by_path: Mapping[str, SourceFile],
    known: Mapping[str, Rule],
    symbols: _source.Symbols,
    focused: Mapping[str, Focus],
) -> Finding | None:
    sf = by_path.get(str(result.get("path", "")))
    if sf is None:
        return None
    extra = result.get("extra") or {}
    meta = extra.get("metadata") or {}
    start = result.get("start") or {}
    end = result.get("end") or {}
    line = max(1, int(start.get("line") or 1))
    end_line = max(line, int(end.get("line") or line))
    rule = _rule_id(str(result.get("check_id", "")), known)
    severity = _SEVERITY.get(str(extra.get("severity", "")).upper(), Severity.WARNING)
    confidence = _CONFIDENCE.get(str(meta.get("confidence", "")).upper(), Confidence.MEDIUM)
    fix = None
    if isinstance(extra.get("fix"), str):
        cut = focused.get(sf.path)
        if cut is not None:  # offsets into the focused copy -> into the real file
            start, end = (
                {**pos, "offset": cut.original_offset(int(pos.get("offset", 0)))} for pos in (start, end)
            )
        fix = _fix(sf.text, start, end, extra["fix"], rule)
    refs = meta.get("references")
    url = meta.get("source") or (refs[0] if isinstance(refs, list) and refs else refs) or ""
    return Finding(
        tool="semgrep",
        rule_id=rule,
        path=sf.path,
        line=line,
        end_line=end_line,
        severity=severity,
        confidence=confidence,
        message=" ".join(str(extra.get("message", "")).split()),
        cwe=_cwe(meta),
        fix=fix,
        fingerprint=finding_fingerprint("semgrep", rule, sf.path, _source.code_at(sf.text, line, end_line)),
        column=max(0, int(start.get("col") or 1) - 1),
        symbol=symbols(sf, line),
        url=str(url) if isinstance(url, str) else "",
    )
