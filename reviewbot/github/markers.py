"""Hidden markers that let a re-run recognise the bot's own comments, and the fingerprint each inline comment carries.

An inline comment ends with ``<!-- reviewbot:fp=<fingerprint> -->``; the summary comment ends with
``<!-- reviewbot:summary -->``. Only the *last* marker of a body counts, and only when it closes the body: finding and
LLM text is escaped (``<`` becomes ``&lt;``) before it goes into a body, and a suggestion block (the one unescaped
part) comes before our marker, so neither can forge the marker we read.

A marker alone never proves a comment is ours (anyone can paste one): see ``publish.owned``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from reviewbot.models import Comment, base_fingerprint

SUMMARY_MARKER = "<!-- reviewbot:summary -->"
_FP = re.compile(r"<!-- reviewbot:fp=([0-9a-f]{8,64}(?:-[0-9]{1,4})?) -->\s*\Z")
_SUMMARY = re.compile(re.escape(SUMMARY_MARKER) + r"\s*\Z")


def fp_marker(fp: str) -> str:
    return f"<!-- reviewbot:fp={fp} -->"


def read_fp(body: str | None) -> str | None:
    """The fingerprint of an inline comment body, or None when it carries no (closing) marker."""
    m = _FP.search(body or "")
    return m.group(1) if m else None


def is_summary(body: str | None) -> bool:
    return bool(_SUMMARY.search(body or ""))


def assign(comments: Sequence[Comment]) -> list[str]:
    """A distinct fingerprint per comment, in the given order: equal ones get ``-2``, ``-3``... in place order."""
    order = sorted(range(len(comments)), key=lambda i: _place(comments[i]))
    seen: Counter[str] = Counter()
    out = [""] * len(comments)
    for i in order:
        fp = base_fingerprint(comments[i])
        seen[fp] += 1
        out[i] = fp if seen[fp] == 1 else f"{fp}-{seen[fp]}"
    return out


def _place(c: Comment) -> tuple[str, int, int, str, str]:
    return (c.path, c.line, c.end_line, c.origin, c.body)
