"""Scoring of reviewbot's static path on real changes, shared by bench/static_real.py (release diffs) and
bench/static_merged.py (single merged pull requests): label keys, hand labels, the numbers of one case's JSON report,
totals, and the printed table.

A case is named by a string (``case``): the label key of a posted comment is ``CASE path tool:rule LINEHASH``, the
line hash being that of the first line of the comment's ``code`` (the post-image text of the commented lines) with its
whitespace normalised, so a re-indented or moved line keeps its label.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERDICTS = ("useful", "nit", "wrong")
KINDS = ("source", "tests", "data")
# pylint messages about names and redefinitions (target 3: never posted at warning/error on a fixture or test data)
NAME_RULES = frozenset({
    "undefined-variable", "undefined-all-variable", "used-before-assignment", "possibly-used-before-assignment",
    "function-redefined", "redefined-outer-name", "redefined-builtin", "reimported", "unused-import",
    "unused-variable", "nonlocal-without-binding", "global-variable-undefined", "undefined-loop-variable",
})
TARGET_CHANGES_WITH_COMMENT = 0.10
TARGET_PER_KLOC = 1.0


def parse_numstat(text: str) -> dict[str, int]:
    """``git diff --numstat`` output -> {python path: added lines} (binary rows count 0)."""
    out: dict[str, int] = {}
    for row in text.splitlines():
        parts = row.split("\t")
        if len(parts) == 3 and parts[2].endswith((".py", ".pyi")):
            out[parts[2]] = int(parts[0]) if parts[0].isdigit() else 0
    return out


def line_hash(text: str) -> str:
    """A short hash of a line's text with its whitespace normalised (stable across re-indentation)."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:10]


def comment_key(case: str, comment: Mapping[str, Any]) -> str:
    """``CASE path tool:rule linehash``: the label key of one posted comment."""
    first = (comment.get("code") or "").splitlines()[:1]
    return f"{case} {comment['path']} {comment['tool']}:{comment['rule']} {line_hash(first[0] if first else '')}"


@dataclass(frozen=True)
class Labels:
    verdicts: Mapping[str, str] = field(default_factory=dict)
    fixtures: frozenset[str] = frozenset()  # "CASE path" of files that are test inputs, by hand


def load_labels(path: Path) -> Labels:
    if not path.is_file():
        return Labels()
    data = json.loads(path.read_text())
    bad = {k: v for k, v in data.get("labels", {}).items() if v not in VERDICTS}
    if bad:
        raise SystemExit(f"{path}: labels must be one of {', '.join(VERDICTS)}: {bad}")
    return Labels(data.get("labels", {}), frozenset(data.get("fixtures", {})))


@dataclass(frozen=True)
class CaseMetrics:
    case: str
    py_files: int
    added: int
    posted: int
    over_budget: int
    rejected: int
    kinds: Mapping[str, int]
    fixture_names: int  # target 3: warning/error name or redefinition comments on fixtures / test data
    verdicts: Mapping[str, int]
    unlabelled: tuple[str, ...]
    rules: Mapping[str, int] = field(default_factory=dict)  # "tool:rule" -> posted comments

    @property
    def any_posted(self) -> bool:
        return self.posted > 0

    @property
    def per_kloc(self) -> float:
        return 1000 * self.posted / self.added if self.added else 0.0


def case_metrics(case: str, report: Mapping[str, Any], added: Mapping[str, int], labels: Labels) -> CaseMetrics:
    """The numbers of one case from its JSON report and its added Python lines per file."""
    posted = list(report["comments"])
    kinds = Counter(c.get("kind", "source") for c in posted)
    fixture_names = sum(
        1 for c in posted
        if c["rule"] in NAME_RULES and c["severity"] in ("warning", "error")
        and (c.get("kind") == "data" or f"{case} {c['path']}" in labels.fixtures)
    )
    keys = [comment_key(case, c) for c in posted]
    verdicts = Counter(labels.verdicts[k] for k in keys if k in labels.verdicts)
    return CaseMetrics(
        case=case, py_files=len(added), added=sum(added.values()), posted=len(posted),
        over_budget=len(report.get("over_budget", [])), rejected=len(report.get("rejected", [])),
        kinds={k: kinds.get(k, 0) for k in KINDS}, fixture_names=fixture_names,
        verdicts={v: verdicts.get(v, 0) for v in VERDICTS},
        unlabelled=tuple(k for k in keys if k not in labels.verdicts),
        rules=dict(Counter(f"{c['tool']}:{c['rule']}" for c in posted)),
    )


def totals(cases: Sequence[CaseMetrics]) -> dict[str, Any]:
    n, added, posted = len(cases), sum(c.added for c in cases), sum(c.posted for c in cases)
    with_comment = sum(c.any_posted for c in cases)
    rules: Counter[str] = Counter()
    for c in cases:
        rules.update(c.rules)
    return {
        "cases": n, "py_files": sum(c.py_files for c in cases), "added": added, "posted": posted,
        "over_budget": sum(c.over_budget for c in cases), "rejected": sum(c.rejected for c in cases),
        "changes_with_comment": with_comment, "share_with_comment": with_comment / n if n else 0.0,
        "per_kloc": 1000 * posted / added if added else 0.0,
        "kinds": {k: sum(c.kinds[k] for c in cases) for k in KINDS},
        "fixture_names": sum(c.fixture_names for c in cases),
        "verdicts": {v: sum(c.verdicts[v] for c in cases) for v in VERDICTS},
        "unlabelled": sum(len(c.unlabelled) for c in cases),
        "rules": dict(rules.most_common()),
    }


def row(c: CaseMetrics | dict[str, Any], label: str) -> str:
    get = (lambda k: c[k]) if isinstance(c, dict) else (lambda k: getattr(c, k))
    kinds, verdicts = get("kinds"), get("verdicts")
    anyp = f"{get('changes_with_comment')}/{get('cases')}" if isinstance(c, dict) else ("yes" if c.any_posted else "no")
    per = get("per_kloc")
    return (f"{label:<30} {get('py_files'):>5} {get('added'):>6} {get('posted'):>6} {get('over_budget'):>5} "
            f"{get('rejected'):>5} {anyp:>6} {per:>6.2f}  {kinds['source']:>3}/{kinds['tests']}/{kinds['data']:<3} "
            f"{get('fixture_names'):>4}  {verdicts['useful']}/{verdicts['nit']}/{verdicts['wrong']}")


HEADER = (f"{'case':<30} {'files':>5} {'added':>6} {'posted':>6} {'over':>5} {'rej':>5} {'any':>6} {'/kloc':>6}  "
          f"src/tst/dat {'fixt':>4}  use/nit/wrong")


def show(case: str, report: Mapping[str, Any]) -> None:
    """Every posted comment of a case with its label key and flagged line (for hand labelling)."""
    for c in report["comments"]:
        print(f"  - {comment_key(case, c)}")
        print(f"    {c['severity']} {c['path']}:{c['line']} [{c.get('kind')}] {c['body'].splitlines()[0][:150]}")
        print(f"    | {(c.get('code') or '').splitlines()[:1]}")


def summarize(results: Sequence[CaseMetrics], label: str = "TOTAL", by_rule: bool = False) -> dict[str, Any]:
    """Print the total row and the target lines of ``results``; returns the totals."""
    total = totals(results)
    print(row(total, label))
    print(f"changes with a posted comment: {total['changes_with_comment']}/{total['cases']} = "
          f"{100 * total['share_with_comment']:.1f} % (target <= {100 * TARGET_CHANGES_WITH_COMMENT:.0f} %)")
    print(f"posted comments per 1,000 added lines: {total['per_kloc']:.2f} (target <= {TARGET_PER_KLOC:.0f})")
    print(f"name/redefinition comments at warning+ on fixtures or test data: {total['fixture_names']} (target 0)")
    v = total["verdicts"]
    print(f"labels of the posted comments: {v['useful']} useful, {v['nit']} nit, {v['wrong']} wrong, "
          f"{total['unlabelled']} unlabelled")
    if by_rule and total["rules"]:
        print("posted comments by rule: " + ", ".join(f"{r} {n}" for r, n in total["rules"].items()))
    for m in results:
        for key in m.unlabelled:
            print(f"  unlabelled: {key}")
    return total
