"""Which comments on clean changes a maintainer would have wanted (REAL-EVAL.md: on a clean merged change "every
comment is noise unless a maintainer would want it").

``clean_audit.json`` holds hand labels of every distinct comment the model made on the clean changes (both review
answer sets, and every LLM candidate of a ``bot:C*2+V`` run), each ``wanted`` or ``noise`` with a one-line reason
and its evidence (a later fix commit of the project, or reading the code). The labellers saw the change, the
comments and the project's repository, not the scores or which comments reviewbot kept.

A comment is matched to its label by case, path, first line and the start of its text; failing that, by its lines
(wanted only when every labelled comment on overlapping lines of that file is wanted). Anything unlabelled is
noise, so the audited clean alarm is never lower than what the labels support.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AUDIT = Path(__file__).resolve().parent / "clean_audit.json"
KEY_CHARS = 120


def text_key(text: str) -> str:
    """The start of a comment's text, with whitespace and zero-width characters normalised."""
    return re.sub(r"\s+", " ", text.replace("\u200b", "")).strip()[:KEY_CHARS]


@dataclass(frozen=True)
class Label:
    path: str
    line: int
    end: int
    key: str
    wanted: bool


def load(path: Path = AUDIT) -> dict[str, list[Label]]:
    """Per case id, its labelled comments (empty when the audit file is absent)."""
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {cid: [Label(x["path"], x["line"], x.get("end", x["line"]), x["key"], x["label"] == "wanted")
                  for x in items] for cid, items in data["cases"].items()}


def wanted(labels: list[Label], path: str, line: int, end: int, key: str) -> bool:
    exact = [x for x in labels if x.path == path and x.line == line and key and x.key == key]
    if exact:
        return exact[0].wanted
    overlapping = [x for x in labels if x.path == path and x.line <= end and line <= x.end]
    return bool(overlapping) and all(x.wanted for x in overlapping)
