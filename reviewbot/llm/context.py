"""What a prompt shows about one changed file: its hunks, and each changed function — full post-image
source, signature before and after.

Which functions changed and how their signatures read is computed once, for the facts analyzer and the prompts
alike, by ``analyzers/_changed_defs`` (libcst; defs paired by qualified name and order of appearance). The
call sites of the changed signatures are not searched for here: they are the facts analyzer's ``caller`` and
``call-site`` Facts, attached with the rest of the analyzer evidence in ``prompting``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import libcst as cst

from reviewbot.analyzers._changed_defs import ChangedDefs, Unparsable, changed_defs, signature_text
from reviewbot.diff import ChangedFile, Hunk
from reviewbot.models import SourceFile

MAX_FUNCTION_LINES = 200


@dataclass(frozen=True)
class Function:
    qualname: str
    start: int  # first line, decorators included (1-based, post-image)
    end: int
    signature: str  # "def f(a, b=1) -> int" (after the change)
    signature_before: str | None  # None: the function is new (or the pre-image is unknown)

    @property
    def signature_changed(self) -> bool:
        return self.signature_before is not None and self.signature_before != self.signature


@dataclass(frozen=True)
class FileContext:
    path: str
    status: str
    text: str
    hunks: tuple[Hunk, ...]
    hunk_ranges: tuple[tuple[int, int], ...]
    added_lines: frozenset[int]
    functions: tuple[Function, ...]
    parse_error: str = ""

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def in_diff(self, start: int, end: int) -> bool:
        """Are lines ``start..end`` all inside one hunk of the new file?"""
        return any(lo <= start and end <= hi for lo, hi in self.hunk_ranges)


def changed_functions(found: ChangedDefs) -> tuple[Function, ...]:
    """The outermost functions among the defs the change touched (a nested changed function is shown as part
    of its enclosing one), with their signatures before (from the paired def) and after.

    A function with no namesake before, none of whose lines the change added, is old code under a new name (its
    class or enclosing function was renamed): not shown, the diff shows what changed."""
    added = sorted(found.sf.added_lines)
    out: list[Function] = []
    for old, new in found.pairs:
        if new is None or not isinstance(new.node, cst.FunctionDef):
            continue
        start, end = new.span.line, new.span.end_line
        if any(o.start <= start and end <= o.end for o in out):
            continue
        if old is None and found.before is not None and not _any_in(added, start, end):
            continue
        was = old.node if old is not None and isinstance(old.node, cst.FunctionDef) else None
        before = signature_text(was) if was is not None else None
        out.append(Function(new.qualname, start, end, signature_text(new.node), before))
    return tuple(out)


def _any_in(lines: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(lines, start)
    return i < len(lines) and lines[i] <= end


def file_context(sf: SourceFile, changed: ChangedFile | None) -> FileContext:
    hunks = changed.hunks if changed is not None else ()
    status = changed.status.value if changed is not None else "modified"
    found = changed_defs(sf)
    if isinstance(found, Unparsable):
        where = f" at line {found.line}" if found.line is not None else ""
        error = f"does not parse ({found.message}{where})"
        return FileContext(sf.path, status, sf.text, hunks, sf.hunks, sf.added_lines, (), error)
    return FileContext(sf.path, status, sf.text, hunks, sf.hunks, sf.added_lines, changed_functions(found))
