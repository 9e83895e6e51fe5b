"""What works without write access to the PR: workflow annotations and step outputs (the job summary: ``jobsummary``).

Annotations are workflow commands on stdout (``::warning file=F,line=L,endLine=E,title=T::message``), escaped as the
Actions toolkit does: ``%``, ``\\r`` and ``\\n`` in the message; those plus ``:`` and ``,`` in property values. So no
text from a finding can end the command early or start another one.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from reviewbot.errors import ReviewbotError
from reviewbot.models import Comment

from .limits import ANNOTATIONS_PER_LEVEL

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _no_mentions(text: str) -> str:
    return text.replace("@", "@\u200b")


def annotation(c: Comment) -> str:
    props = {
        "file": c.path,
        "line": str(c.line),
        "endLine": str(max(c.line, c.end_line)),
        "title": f"reviewbot: {c.origin}" + (f" (CWE-{c.cwe})" if c.cwe else ""),
    }
    head = ",".join(f"{k}={escape_property(_no_mentions(v))}" for k, v in props.items())
    message = _no_mentions(c.body.strip())
    if c.suggestion is not None:
        message += "\n\nSuggested replacement:\n" + c.suggestion.rstrip("\n")
    return f"::{_LEVEL[c.severity.value]} {head}::{escape_data(message)}"


def annotate(comments: Iterable[Comment], out: TextIO) -> int:
    n = 0
    for c in comments:
        out.write(annotation(c) + "\n")
        n += 1
    out.flush()
    return n


def warning(message: str, out: TextIO) -> None:
    out.write(f"::warning title=reviewbot::{escape_data(message)}\n")
    out.flush()


def shown(comments: Sequence[Comment], *, before: Mapping[str, int] | None = None) -> frozenset[int]:
    """Indices of ``comments`` whose annotations GitHub shows when they are emitted in order after ``before`` (level
    -> annotations this step emitted first): the first ``ANNOTATIONS_PER_LEVEL`` of each level of a step."""
    used: Counter[str] = Counter(before or {})
    out = set()
    for i, c in enumerate(comments):
        level = _LEVEL[c.severity.value]
        if used[level] < ANNOTATIONS_PER_LEVEL:
            out.add(i)
        used[level] += 1
    return frozenset(out)


def append_file(var: str, text: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Append to the file named by the environment variable ``var``; False when it is not set."""
    path = environ.get(var)
    if not path:
        return False
    try:
        with Path(path).open("a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise ReviewbotError(f"{var}={path}: cannot write ({exc.strerror or exc})") from exc
    return True


def output_lines(values: Mapping[str, str]) -> str:
    """``$GITHUB_OUTPUT`` lines; a value with a newline uses a random heredoc delimiter."""
    out = []
    for name, value in values.items():
        if "\n" in value or "\r" in value:
            delim = f"ghadelimiter_{uuid.uuid4()}"
            out.append(f"{name}<<{delim}\n{value}\n{delim}\n")
        else:
            out.append(f"{name}={value}\n")
    return "".join(out)
