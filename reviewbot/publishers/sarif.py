"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``) and other viewers.

What code scanning reads (its "SARIF support" reference): one run per tool with ``tool.driver.rules`` (``id``,
``shortDescription``, ``fullDescription``, ``help.text`` + ``help.markdown``, ``properties.tags`` with the
``external/cwe/cwe-N`` convention, ``precision``, ``problem.severity``, and ``security-severity`` for security rules),
results with ``ruleId``/``ruleIndex``, ``level``, ``message.text``, one physical location with a relative URI and a
region, and ``partialFingerprints``. We give our own fingerprint (``reviewbot/v1``); ``upload-sarif`` adds its
``primaryLocationLineHash`` from the checked-out files.

Every comment of the review that clears the threshold is a result: those posted inline, those moved to the summary,
and those the noise budget (``max-comments``, ``max-comments-per-file``) kept from being posted (after the others,
with ``properties.posted`` false). ``properties.kind`` says whether the file is source, tests or data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from reviewbot import __version__
from reviewbot.models import Comment, Review, Severity, base_fingerprint

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_PROBLEM = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
# security-severity (0.1-10): code scanning shows > 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "2.0"}
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$")


def rule_id(c: Comment) -> str:
    """Stable across runs: ``tool/rule`` for analyzers, ``llm/<category>`` for model comments (no sample number)."""
    tool, _, rule = c.origin.partition(":")
    if tool == "llm":
        return f"llm/{c.category}"
    return f"{tool}/{rule}" if rule else tool


def _precision(score: float) -> str:
    if score >= 0.9:
        return "very-high"
    if score >= 0.7:
        return "high"
    if score >= 0.4:
        return "medium"
    return "low"


def _is_security(c: Comment) -> bool:
    return c.category == "security" or c.cwe is not None


def _first_sentence(text: str, limit: int = 1000) -> str:
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    m = re.match(r"(.+?[.!?])(\s|$)", line)
    out = m.group(1) if m else line
    return out[:limit] or "(no description)"


def _rule(rid: str, comments: Sequence[Comment]) -> dict[str, Any]:
    first = comments[0]
    worst = max(comments, key=lambda c: (c.severity.rank, c.score))
    tool = rid.split("/", 1)[0]
    cwes = sorted({c.cwe for c in comments if c.cwe})
    security = any(_is_security(c) for c in comments)
    tags = sorted({c.category for c in comments} | ({"security"} if security else set()))
    tags += [f"external/cwe/cwe-{n}" for n in cwes]
    short = f"{rid} ({first.category})"
    help_text = [f"Reported by {tool} as {rid.split('/', 1)[-1] or rid}: {_first_sentence(first.body)}"]
    help_md = [f"**{rid}** — reported by `{tool}`.", "", _first_sentence(first.body)]
    for n in cwes:
        help_text.append(f"CWE-{n}: https://cwe.mitre.org/data/definitions/{n}.html")
        help_md.append(f"\n[CWE-{n}](https://cwe.mitre.org/data/definitions/{n}.html)")
    props: dict[str, Any] = {
        "tags": tags,
        "precision": _precision(max(c.score for c in comments)),
        "problem.severity": _PROBLEM[worst.severity],
    }
    if security:
        props["security-severity"] = _SECURITY_SEVERITY[worst.severity]
    return {
        "id": rid,
        "name": re.sub(r"[^0-9A-Za-z]+", "-", rid).strip("-")[:255] or "rule",
        "shortDescription": {"text": short[:1024]},
        "fullDescription": {"text": _first_sentence(first.body, 1024)},
        "help": {"text": "\n".join(help_text), "markdown": "\n".join(help_md)},
        "defaultConfiguration": {"level": _LEVEL[worst.severity]},
        "properties": props,
    }


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _region(c: Comment) -> dict[str, Any]:
    end = max(c.line, c.end_line)
    region: dict[str, Any] = {"startLine": max(1, c.line), "startColumn": 1, "endLine": max(1, end)}
    lines = c.code.splitlines()
    if lines and len(lines) == end - c.line + 1:
        region["endColumn"] = _utf16(lines[-1]) + 1
        region["snippet"] = {"text": c.code}
    return region


def _result(c: Comment, rid: str, index: int, posted: bool) -> dict[str, Any]:
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(c.path, safe="/"), "uriBaseId": "%SRCROOT%"},
            "region": _region(c),
        }
    }
    result: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": index,
        "level": _LEVEL[c.severity],
        "message": {"text": c.body.strip() or rid},
        "locations": [location],
        "partialFingerprints": {"reviewbot/v1": base_fingerprint(c)},
        "properties": {"score": c.score, "origin": c.origin, "category": c.category,
                       "sources": list(c.sources or (c.origin,)), "kind": c.kind.value, "posted": posted},
    }
    if c.suggestion is not None:
        end = max(c.line, c.end_line)
        result["fixes"] = [{
            "description": {"text": "Replace the commented lines"},
            "artifactChanges": [{
                "artifactLocation": {"uri": quote(c.path, safe="/"), "uriBaseId": "%SRCROOT%"},
                "replacements": [{
                    "deletedRegion": {"startLine": c.line, "endLine": end},
                    "insertedContent": {"text": c.suggestion.rstrip("\n")},
                }],
            }],
        }]
    return result


def sarif_log(review: Review, *, source: str = "") -> dict[str, Any]:
    posted = list(review.comments) + list(review.summary.moved_to_summary)
    comments = posted + list(review.over_budget)
    by_rule: dict[str, list[Comment]] = {}
    for c in comments:
        by_rule.setdefault(rule_id(c), []).append(c)
    ids = sorted(by_rule)
    index = {rid: i for i, rid in enumerate(ids)}
    driver: dict[str, Any] = {
        "name": "reviewbot",
        "version": __version__,
        "rules": [_rule(rid, by_rule[rid]) for rid in ids],
    }
    if _SEMVER.match(__version__):
        driver["semanticVersion"] = __version__
    notifications = [
        {"level": "error", "message": {"text": f"{st.name}: {st.message or st.status.value}"},
         "descriptor": {"id": st.name}}
        for st in review.summary.analyzers
        if st.status.value == "error"
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The root of the repository."}}},
        "invocations": [invocation],
        "results": [_result(c, rule_id(c), index[rule_id(c)], i < len(posted)) for i, c in enumerate(comments)],
        "columnKind": "utf16CodeUnits",
    }
    if source:
        run["properties"] = {"source": source}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(review: Review, *, source: str = "", color: bool = False) -> str:
    return json.dumps(sarif_log(review, source=source), indent=2, ensure_ascii=False) + "\n"
