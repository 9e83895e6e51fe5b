"""Step 1, *applies*: a fix replaces exactly the lines its comment is anchored on, in a copy of the post-image text.

A GitHub suggestion block replaces the commented lines and nothing else, so a fix whose range differs from its
comment's cannot be shown as a suggestion. Nothing here touches a file: the patched text is returned, and the
re-analysis step writes it into its own scratch directory.
"""

from __future__ import annotations

import difflib
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass

from reviewbot.models import Candidate, Fix


@dataclass(frozen=True)
class Applied:
    """A fix applied to a text: the patched text and where the replacement now sits."""

    text: str  # the whole patched file
    start_line: int  # first line of the replacement in the patched text (1-based)
    new_lines: int  # number of lines of the replacement (0 for a deletion)
    old_lines: int  # number of lines it replaced

    @property
    def delta(self) -> int:
        """How far lines after the fix moved (positive: down)."""
        return self.new_lines - self.old_lines

    @property
    def end_line(self) -> int:
        """Last line of the replacement in the patched text (start_line - 1 for a deletion)."""
        return self.start_line + self.new_lines - 1


def _newline_of(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"


def normalized_replacement(fix: Fix, lines: list[str]) -> list[str]:
    """The replacement as lines in the file's newline style; a missing final newline is added unless the fix
    replaces the file's last line and that line had none."""
    if fix.replacement == "":
        return []
    nl = _newline_of(lines)
    body = fix.replacement.replace("\r\n", "\n").replace("\r", "\n")
    new = [part + nl for part in body.split("\n")]
    if body.endswith("\n"):
        new.pop()  # split() leaves an empty string after the final newline
    elif fix.end_line == len(lines) and not lines[-1].endswith(("\n", "\r")):
        new[-1] = new[-1][: -len(nl)]
    return new


def apply_fix(text: str, candidate: Candidate) -> Applied | str:
    """Apply ``candidate.fix`` to ``text``: the patched text, or why it does not apply."""
    fix = candidate.fix
    if fix is None:
        return "no fix"
    lines = text.splitlines(keepends=True)
    if fix.start_line < 1 or fix.end_line < fix.start_line:
        return f"bad line range {fix.start_line}-{fix.end_line}"
    if fix.end_line > len(lines):
        return f"fix replaces lines {fix.start_line}-{fix.end_line}, the file has {len(lines)}"
    if (fix.start_line, fix.end_line) != (candidate.line, max(candidate.line, candidate.end_line)):
        return (
            f"fix replaces lines {fix.start_line}-{fix.end_line} but the comment is on "
            f"{candidate.line}-{candidate.end_line}"
        )
    new = normalized_replacement(fix, lines)
    patched = "".join(lines[: fix.start_line - 1] + new + lines[fix.end_line :])
    return Applied(patched, fix.start_line, len(new), fix.end_line - fix.start_line + 1)


def map_line(line: int, applied: Applied) -> int | None:
    """A patched-text line number as a line of the original text; None inside the replacement."""
    if line < applied.start_line:
        return line
    if line > applied.end_line:
        return line - applied.delta
    return None


_TOKEN = re.compile(r"\w+|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|\S", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Python tokens of a snippet, comments and layout dropped; a regex split when the snippet does not
    tokenize on its own (an unterminated bracket or string)."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    try:
        toks = tokenize.generate_tokens(io.StringIO(textwrap.dedent(text)).readline)
        return [t.string for t in toks if t.type not in skip]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return _TOKEN.findall(text)


def changed_tokens(old: str, new: str) -> int:
    """How many tokens a fix inserts plus deletes: its size, layout and comments not counted."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return (len(a) - same) + (len(b) - same)
