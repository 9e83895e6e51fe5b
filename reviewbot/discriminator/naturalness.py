"""Part of step 4, *how familiar a fix's code is*: the token pairs it brings in that occur nowhere else in the file.

Code is repetitive, and a file's own idioms predict its correct lines: buggy lines are less "natural" than the rest
of their file and become more natural once fixed (Ray et al., "On the naturalness of buggy code", ICSE 2016), and
much of what fixes contain already exists elsewhere in the code base (Barr et al., "The plastic surgery
hypothesis", FSE 2014). So among alternative fixes for the same lines, the one whose code is made of token pairs
the file already uses is preferred over one that brings in pairs found nowhere else (an invented construct, an
unneeded call or literal). The measure is the number of distinct bigrams of Python tokens (layout and comments
dropped) of the replacement that do not occur in any other line of the file; it is only compared between
alternatives (``scoring``), never held against a lone fix: new code is allowed to be new.
"""

from __future__ import annotations

from collections import Counter

from reviewbot.discriminator.patching import tokens

Bigram = tuple[str, str]


def bigrams(line: str) -> set[Bigram]:
    """The distinct token bigrams of one line of code."""
    toks = tokens(line)
    return set(zip(toks, toks[1:]))


class Vocabulary:
    """The token bigrams of every line of one file, to ask which bigrams of a replacement are new to the file."""

    def __init__(self, text: str) -> None:
        self.lines = [bigrams(line) for line in text.splitlines()]
        self.counts: Counter[Bigram] = Counter(b for line in self.lines for b in line)

    def novel(self, start_line: int, end_line: int, replacement: str) -> int:
        """How many distinct bigrams of ``replacement`` occur on no line of the file outside ``start_line`` to
        ``end_line`` (the lines it replaces, 1-based, inclusive)."""
        replaced = Counter(b for line in self.lines[start_line - 1 : end_line] for b in line)
        new = {b for line in replacement.splitlines() for b in bigrams(line)}
        return sum(1 for b in new if self.counts[b] - replaced[b] <= 0)
