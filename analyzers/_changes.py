"""Which definitions a change touched: pair the pre-image's and post-image's defs by qualified name and keep the
pairs that were added, removed, or whose text (or added lines) changed. Shared by radon and facts.

``@overload`` stubs are paired among themselves, apart from the implementation: a change that adds overloads to a
function pairs its implementation with the old one (not the first stub), so the function is not taken for new."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reviewbot.analyzers.base import SourceFile


@dataclass(frozen=True)
class Span:
    """A definition: qualified name and its 1-based inclusive line range in its own image."""

    name: str
    line: int
    end_line: int
    text: str = ""  # what to compare by (default: the lines themselves)
    holes: tuple[tuple[int, int], ...] = ()  # line ranges that belong to nested defs, not to this one


def _text(lines: Sequence[str], span: Span) -> str:
    """What a def is compared by: ``span.text`` when given, else its lines without the nested defs (holes)."""
    if span.text:
        return span.text
    own = range(span.line, span.end_line + 1)
    return "\n".join(
        lines[n - 1].rstrip() for n in own if n <= len(lines) and not any(a <= n <= b for a, b in span.holes)
    )


_OVERLOAD = re.compile(r"\s*@\s*(?:[A-Za-z_][\w.]*\.)?overload\b")
_DEF = re.compile(r"\s*(?:async\s+)?(?:def|class)\b")


def _is_overload(lines: Sequence[str], span: Span) -> bool:
    """Whether the def's decorators (the lines from its first line to its ``def``) include ``@overload``."""
    for n in range(span.line, min(span.end_line, len(lines)) + 1):
        if _DEF.match(lines[n - 1]):
            return False
        if _OVERLOAD.match(lines[n - 1]):
            return True
    return False


def _keyed(spans: Sequence[Span], lines: Sequence[str] = ()) -> dict[tuple[str, int], Span]:
    """Duplicate names (conditional defs, property setters) are told apart by their order of appearance; ``@overload``
    stubs (recognised in ``lines``) are counted apart from the other defs of their name."""
    seen: dict[str, int] = {}
    out: dict[tuple[str, int], Span] = {}
    for span in sorted(spans, key=lambda s: (s.line, s.end_line)):
        name = f"{span.name} @overload" if lines and _is_overload(lines, span) else span.name
        n = seen.get(name, 0)
        seen[name] = n + 1
        out[(name, n)] = span
    return out


def touched(sf: SourceFile, after: Sequence[Span], before: Sequence[Span]) -> list[tuple[Span | None, Span | None]]:
    """(before, after) pairs of the definitions the change touched, in post-image order (removed ones last).

    With a pre-image: a def is touched when it is new, removed, its text differs, or an added line falls in it.
    Without one (an added file, or a patch with no pre-image), every def an added line or hunk falls in counts;
    an added file with no line information at all counts whole.
    """
    new_lines = sf.text.splitlines()
    after_by = _keyed(after, new_lines)
    if sf.before is None:
        if not sf.added_lines and not sf.hunks:
            return [(None, span) for span in after_by.values()]
        return [(None, span) for span in after_by.values() if _hit(sf, span)]
    old_lines = sf.before.splitlines()
    before_by = _keyed(before, old_lines)
    out: list[tuple[Span | None, Span | None]] = []
    for key, span in after_by.items():
        old = before_by.get(key)
        if old is None or _text(new_lines, span) != _text(old_lines, old) or _hit(sf, span, hunks=False):
            out.append((old, span))
    out.extend((span, None) for key, span in before_by.items() if key not in after_by)
    return out


def _hit(sf: SourceFile, span: Span, *, hunks: bool = True) -> bool:
    def own(n: int) -> bool:
        return not any(a <= n <= b for a, b in span.holes)

    lines = _sorted_lines(sf.added_lines)
    i = bisect.bisect_left(lines, span.line)
    while i < len(lines) and lines[i] <= span.end_line:
        if own(lines[i]):
            return True
        i += 1
    if hunks and not sf.added_lines:
        return any(own(n) for start, end in sf.hunks for n in range(max(start, span.line), min(end, span.end_line) + 1))
    return False


@functools.lru_cache(maxsize=64)
def _sorted_lines(lines: frozenset[int]) -> list[int]:
    return sorted(lines)
