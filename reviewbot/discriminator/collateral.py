"""Step 2b, *collateral*: a fix changes nothing but its target.

Re-analysis cannot see every kind of damage: an autofix that re-indents a triple-quoted string argument changes the
string's value, and one that rewrites a line may drop its comment; neither is a finding. So after a fix applies and
parses, the original and the patched text are compared token by token (``tokenize``, once per side, over the
top-level statements the fix touches; layout, that is non-logical newlines and spacing, is not compared):

- The *target* of a fix is the minimal changed token span: everything between the longest common prefix and the
  longest common suffix of the two token sequences. Outside it every token is identical, so the syntax tree, every
  string literal's value and every comment are identical there.
- Every code token of that span (names, operators, numbers; not the structural NEWLINE / INDENT / DEDENT tokens)
  must lie on the lines the fix replaces, in the original and in the patched text: else the fix
  ``changes code outside its target`` (a replacement that opens or closes a string or a bracket changes how the
  lines after it read). A string literal of the span must overlap those lines (a multi-line literal may be edited
  in part).
- A string literal of the span (docstrings, bytes, f-string literal parts included) is meant to change unless its
  new value differs from its old one only by the whitespace at the start and end of its lines: whitespace-only
  re-indentation of a multi-line string is never what a fix is for, and it changes the value
  (``changes a string literal outside its target``).
- Comments are never meant to change: every comment of the span must be in the patched span with the same text
  (``drops a comment`` / ``changes a comment``) and in the same place among the code tokens around it
  (``moves a comment``). A fix may add comments.

Problems name a line of the original (the pull request's) file.
"""

from __future__ import annotations

import ast
import bisect
import difflib
import io
import tokenize
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from reviewbot.discriminator.patching import Applied, map_line

_LAYOUT = {tokenize.NL, tokenize.ENCODING}
_STRUCTURE = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
# Python 3.12+ splits an f-string into FSTRING_START, FSTRING_MIDDLE (the literal parts), expression tokens and
# FSTRING_END; before 3.12 an f-string is one STRING token.
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)
_LITERAL = {tokenize.STRING, _FSTRING_MIDDLE, getattr(tokenize, "FSTRING_START", -2)}
_LITERAL.add(getattr(tokenize, "FSTRING_END", -3))

STRING_CHANGED = "changes a string literal outside its target"
COMMENT_DROPPED = "drops a comment"
COMMENT_CHANGED = "changes a comment"
COMMENT_MOVED = "moves a comment"
CODE_CHANGED = "changes code outside its target"
NOT_CHECKED = "could not be checked for collateral changes"


@dataclass(frozen=True)
class Problem:
    """A change the fix makes outside its target."""

    what: str  # one of the constants above
    line: int  # in the original file; 0 when no line applies

    def __str__(self) -> str:
        return f"{self.what}: line {self.line}" if self.line else self.what


@dataclass(frozen=True)
class _Tok:
    type: int
    text: str
    start: int  # first line
    end: int  # last line
    key: tuple[int, str]  # what is compared: structure by kind, comments without trailing blanks, the rest by text

    @property
    def is_string(self) -> bool:
        return self.type in (tokenize.STRING, _FSTRING_MIDDLE)

    @property
    def is_code(self) -> bool:
        """Names, operators, numbers (f-string expressions included): not layout, comments or literal text."""
        return self.type not in _STRUCTURE and self.type not in _LITERAL and self.type != tokenize.COMMENT


def _key(type_: int, text: str) -> tuple[int, str]:
    if type_ in _STRUCTURE:
        return (type_, "")
    if type_ == tokenize.COMMENT:
        return (type_, text.rstrip())
    return (type_, text)


def _tokens(text: str, offset: int = 0) -> list[_Tok] | None:
    """The tokens of ``text`` without layout, lines shifted by ``offset``; None when it does not tokenize."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences warn on 3.12+
            return [
                _Tok(t.type, t.string, t.start[0] + offset, t.end[0] + offset, _key(t.type, t.string))
                for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type not in _LAYOUT
            ]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None


def _value(tok: _Tok) -> str:
    """A string token's value as text (bytes decoded as latin-1); an f-string's literal text as written."""
    if tok.type == tokenize.STRING:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = ast.literal_eval(tok.text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return tok.text  # an f-string before 3.12: compared as written
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return value if isinstance(value, str) else tok.text
    return tok.text


def _reindented(old: str, new: str) -> bool:
    """``new`` differs from ``old`` only by whitespace at the start or end of lines, and one of them spans lines."""
    if old == new or ("\n" not in old and "\n" not in new):
        return False
    a, b = old.split("\n"), new.split("\n")
    return len(a) == len(b) and all(x.strip() == y.strip() for x, y in zip(a, b))


def _span(a: Sequence[_Tok], b: Sequence[_Tok]) -> tuple[int, int, int]:
    """(i, j, k): a[i:j] and b[i:k] are the minimal changed spans (common prefix and suffix removed)."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i].key == b[i].key:
        i += 1
    s = 0
    while s < n - i and a[len(a) - 1 - s].key == b[len(b) - 1 - s].key:
        s += 1
    return i, len(a) - s, len(b) - s


class Collateral:
    """Collateral checks of fixes to one original text.

    Only a window is tokenized per fix: from the start of the top-level statement the fix begins in to the start of
    the first top-level statement after it (``starts``: the first lines of the module's top-level statements, from
    the parse check's ``ast``; without them the whole file). A top-level statement starts at column 0 outside any
    bracket or string, so the tokenizer reads the window as it reads that part of the whole file. When the patched
    window does not tokenize on its own (the replacement opens a string or bracket that the window does not close),
    the whole files are compared.
    """

    def __init__(self, original: str, starts: Sequence[int] = ()) -> None:
        self.lines = original.splitlines(keepends=True)
        self.starts = sorted(set(starts))

    def _window(self, first: int, last: int) -> tuple[int, int]:
        """(start, end): original lines start..end-1 hold every top-level statement the fix touches."""
        i = bisect.bisect_right(self.starts, first)
        start = self.starts[i - 1] if i else 1
        j = bisect.bisect_right(self.starts, last)
        end = self.starts[j] if j < len(self.starts) else len(self.lines) + 1
        return start, end

    def check(self, applied: Applied, first: int, last: int) -> Problem | None:
        """The first change ``applied`` (replacing original lines ``first``..``last``) makes outside its target."""
        new_lines = applied.text.splitlines(keepends=True)
        start, end = self._window(first, last)
        old = _tokens("".join(self.lines[start - 1 : end - 1]), start - 1)
        new = _tokens("".join(new_lines[start - 1 : end - 1 + applied.delta]), start - 1)
        if old is None or new is None:
            start, end = 1, len(self.lines) + 1
            old, new = _tokens("".join(self.lines)), _tokens(applied.text)
        if old is None:
            return None  # the file itself does not tokenize (the parse check decides about it)
        if new is None:
            return Problem(NOT_CHECKED, first)
        return _compare(old, new, applied, first, last)


def _compare(a: list[_Tok], b: list[_Tok], applied: Applied, first: int, last: int) -> Problem | None:
    i, j, k = _span(a, b)
    old, new = a[i:j], b[i:k]
    for t in old:
        if t.is_code and (t.start < first or t.end > last):
            return Problem(CODE_CHANGED, t.start)
        if t.type in _LITERAL and (t.end < first or t.start > last):  # one that overlaps the lines may change
            return Problem(STRING_CHANGED, t.start)
    for t in new:
        if t.is_code and (t.start < applied.start_line or t.end > applied.end_line):
            mapped = map_line(t.start, applied)
            return Problem(CODE_CHANGED, first if mapped is None else mapped)
    return _strings(old, new) or _comments(old, new)


def _strings(old: Sequence[_Tok], new: Sequence[_Tok]) -> Problem | None:
    """A string literal of the old span that the new span keeps only re-indented."""
    new_values = [_value(t) for t in new if t.is_string]
    kept = set(new_values)
    for t in old:
        if not t.is_string:
            continue
        value = _value(t)
        if value in kept:
            continue
        if any(_reindented(value, v) for v in new_values):
            return Problem(STRING_CHANGED, t.start)
    return None


def _comments(old: Sequence[_Tok], new: Sequence[_Tok]) -> Problem | None:
    """A comment of the old span that is missing, changed or moved in the new span."""
    old_comments = [t for t in old if t.type == tokenize.COMMENT]
    if not old_comments:
        return None
    available = Counter(t.key for t in new if t.type == tokenize.COMMENT)
    missing = []
    for t in old_comments:
        if available[t.key]:
            available[t.key] -= 1
        else:
            missing.append(t)
    if missing:
        what = COMMENT_CHANGED if sum(available.values()) else COMMENT_DROPPED
        return Problem(what, missing[0].start)
    # every comment is still there: each must sit among the same code tokens (matched in place by the diff)
    a, b = [t.key for t in old], [t.key for t in new]
    matched: set[int] = set()
    for block in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks():
        matched.update(range(block.a, block.a + block.size))
    for n, t in enumerate(old):
        if t.type == tokenize.COMMENT and n not in matched:
            return Problem(COMMENT_MOVED, t.start)
    return None
