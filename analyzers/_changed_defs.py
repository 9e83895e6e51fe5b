"""Which defs a change touched in one file, and how their signatures changed: the one computation of "the
changed functions and their signatures" in reviewbot.

Both images are parsed with libcst (``_defs``: line numbers from ``ast`` when it parses), their defs paired by
qualified name and order of appearance, and a pair kept when the def was added, removed, or its own text or
added lines changed (``_changes.touched``). A function's signature is read two ways from the same node: its
parameters (``_signatures.signature``: does a call still bind?) and its header as text
(``_signatures.signature_text``: what the prompts show).

Who reads it: the facts analyzer describes the pairs and searches the callers of each ``Change`` (``_scan``);
the LLM prompt builder (``reviewbot.llm.context``) shows the outermost changed functions with their signatures
before and after, and lists the callers the facts analyzer found. Pure: texts in, values out; no repository,
no process.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from reviewbot.analyzers import _changes
from reviewbot.analyzers import _defs as D
from reviewbot.analyzers._defs import Def, Parsed, Unparsable
from reviewbot.analyzers._signatures import Signature, describe_change, signature, signature_text

from reviewbot.models import SourceFile

# what the prompt builder (reviewbot.llm.context) imports from here: its one door into the plug-in helpers
__all__ = ["Change", "ChangedDefs", "Unparsable", "changed_defs", "signature_text"]


@dataclass(frozen=True)
class Change:
    """A function whose signature changed, and what its callers must now do. ``what`` is empty when only the
    text changed (annotations, ``async``): no call stops binding, but its callers are still worth showing."""

    path: str
    defn: Def
    old: Signature
    new: Signature
    what: tuple[str, ...]


@dataclass(frozen=True)
class ChangedDefs:
    """One changed file's defs in both images and the (before, after) pairs the change touched, in post-image
    order (removed defs last)."""

    sf: SourceFile  # as compared: without its pre-image when that does not parse
    after: Parsed
    before: Parsed | None
    before_error: Unparsable | None  # why the pre-image does not parse (None: it does, or there is none)
    new_defs: tuple[Def, ...]
    old_defs: tuple[Def, ...]
    pairs: tuple[tuple[Def | None, Def | None], ...]

    def changes(self, *, text: bool) -> list[Change]:
        """The touched functions whose parameters changed; with ``text``, also those whose signature text
        alone changed (``what`` empty)."""
        out = []
        for old, new in self.pairs:
            if old is None or new is None:
                continue
            if not isinstance(old.node, cst.FunctionDef) or not isinstance(new.node, cst.FunctionDef):
                continue
            old_sig, new_sig = signature(old.node), signature(new.node)
            what = describe_change(old_sig, new_sig)
            if what or (text and signature_text(old.node) != signature_text(new.node)):
                out.append(Change(self.sf.path, new, old_sig, new_sig, tuple(what)))
        return out


def changed_defs(sf: SourceFile) -> ChangedDefs | Unparsable:
    """The touched defs of ``sf``, or why its post-image does not parse."""
    after = D.parse(sf.path, sf.text)
    if isinstance(after, Unparsable):
        return after
    before: Parsed | None = None
    before_error: Unparsable | None = None
    if sf.before is not None:
        got = D.parse(sf.old_path or sf.path, sf.before)
        if isinstance(got, Unparsable):
            before_error = got
            sf = SourceFile(sf.path, sf.text, None, sf.old_path, sf.added_lines, sf.hunks)
        else:
            before = got
    new_defs = D.defs(after)
    old_defs = D.defs(before) if before is not None else []
    spans = _changes.touched(sf, [d.span for d in new_defs], [d.span for d in old_defs])
    new_by_span = {d.span: d for d in new_defs}
    old_by_span = {d.span: d for d in old_defs}
    pairs = tuple((old_by_span.get(o) if o else None, new_by_span.get(n) if n else None) for o, n in spans)
    return ChangedDefs(sf, after, before, before_error, tuple(new_defs), tuple(old_defs), pairs)
