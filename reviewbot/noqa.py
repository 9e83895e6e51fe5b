"""``# noqa`` comments (flake8, ruff) mapped to the findings of our analyzers that mean the same thing.

A project that already silences a flake8/ruff code on a line should not get the same complaint from reviewbot under
another tool's name. The mapping is deliberately small and explicit (``TABLE``), plus two families that are
numbered alike in both tools:

- ``S101``..``S7xx`` (flake8-bandit, ruff) -> bandit ``B101``..``B7xx`` (same number);
- ``PLC/PLE/PLR/PLW####`` (ruff's pylint rules) -> the pylint message with that id (``PLW0101`` -> ``unreachable``),
  looked up in pylint's own message store.

A bare ``# noqa`` (or ``# noqa:`` followed by no code, as flake8 reads it) silences every finding on its line. The
line is the *logical* line, as flake8 uses it: a ``# noqa`` on any physical line of a statement split over several
lines covers a finding reported on any of them (``def f(\\n  a,\\n):  # noqa: C901``). A code we have no equivalent
for (``E501``) silences nothing of ours.
"""

from __future__ import annotations

import functools
import io
import re
import tokenize
from dataclasses import dataclass

from reviewbot.models import Finding

# flake8's inline pattern (flake8.defaults.NOQA_INLINE_REGEX), with ruff's longer prefixes (``PLW0101``).
_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_BANDIT_FAMILY = re.compile(r"S([1-7][0-9]{2})")
_PYLINT_FAMILY = re.compile(r"PL([CERWI][0-9]{4})")

# flake8 / ruff code -> the ``tool:rule`` findings of ours that report the same thing.
TABLE: dict[str, tuple[str, ...]] = {
    # mccabe (flake8's C901, ruff's C901) and radon's flake8 plugin (R701): too complex
    "C901": ("radon:complexity-threshold", "radon:complexity-jump"),
    "R701": ("radon:complexity-threshold", "radon:complexity-jump"),
    # pyflakes
    "F401": ("pylint:unused-import",),
    "F811": ("pylint:function-redefined",),
    "F821": ("pylint:undefined-variable",),
    "F823": ("pylint:used-before-assignment",),
    "F841": ("pylint:unused-variable",),
    "F601": ("pylint:duplicate-key",),
    "F631": ("pylint:assert-on-tuple", "semgrep:assert-on-tuple"),
    "F632": ("pylint:literal-comparison", "semgrep:is-literal-comparison", "semgrep:is-not-literal-comparison"),
    "F701": ("pylint:not-in-loop",),
    "F702": ("pylint:not-in-loop",),
    "F704": ("pylint:yield-outside-function",),
    "F706": ("pylint:return-outside-function",),
    # pycodestyle
    "E711": ("pylint:singleton-comparison", "semgrep:none-comparison-eq", "semgrep:none-comparison-ne"),
    "E721": ("pylint:unidiomatic-typecheck", "semgrep:type-equality-comparison"),
    "E722": ("pylint:bare-except", "semgrep:bare-except"),
    # flake8-bugbear
    "B006": ("pylint:dangerous-default-value", "semgrep:mutable-default-argument"),
    "B012": ("pylint:lost-exception", "pylint:return-in-finally", "semgrep:return-in-finally"),
    "B018": ("pylint:pointless-statement", "pylint:expression-not-assigned"),
    "B023": ("pylint:cell-var-from-loop", "semgrep:loop-variable-closure"),
    # flake8-bandit / ruff S codes that our semgrep rules also report (bandit's B-code is added by the family rule)
    "S113": ("semgrep:requests-missing-timeout",),
    "S201": ("semgrep:flask-debug-enabled",),
    "S306": ("semgrep:tempfile-mktemp",),
    "S307": ("semgrep:code-injection-eval",),
    "S501": ("semgrep:tls-verify-disabled",),
    "S506": ("semgrep:yaml-unsafe-loader", "semgrep:yaml-load-missing-loader"),
    # flake8-datetimez
    "DTZ003": ("semgrep:datetime-utcnow-deprecated",),
}


@dataclass(frozen=True)
class Noqa:
    """One ``# noqa`` comment; ``codes`` empty means every finding on its logical line."""

    path: str
    first: int  # the logical line it sits on
    last: int
    codes: tuple[str, ...]

    def matches(self, finding: Finding) -> bool:
        if finding.path != self.path or not self.first <= finding.line <= self.last:
            return False
        return not self.codes or any(covers(code, finding) for code in self.codes)


def targets(code: str) -> tuple[str, ...]:
    """The ``tool:rule`` names a flake8/ruff code stands for (empty: none of ours)."""
    code = code.upper()
    out = list(TABLE.get(code, ()))
    if m := _BANDIT_FAMILY.fullmatch(code):
        out.append(f"bandit:B{m.group(1)}")
    if m := _PYLINT_FAMILY.fullmatch(code):
        symbol = pylint_symbol(m.group(1))
        if symbol:
            out.append(f"pylint:{symbol}")
    return tuple(out)


def rule_matches(name: str, finding: Finding) -> bool:
    """``name`` is ``rule`` or ``tool:rule``; case-insensitive; ``rule`` also matches a dotted id's last part."""
    tool, sep, rule = name.lower().partition(":")
    if not sep:
        tool, rule = "", tool
    elif tool != finding.tool.lower():
        return False
    rid = finding.rule_id.lower()
    return rid == rule or rid.endswith("." + rule)


def covers(code: str, finding: Finding) -> bool:
    return any(rule_matches(name, finding) for name in targets(code))


@functools.lru_cache(maxsize=None)
def pylint_symbol(msgid: str) -> str:
    """pylint's symbol for a message id (``W0101`` -> ``unreachable``); "" when pylint does not know it."""
    try:
        return _pylint_symbols().get(msgid.upper(), "")
    except Exception:  # noqa: BLE001 - pylint's internals may change: the code then maps to nothing
        return ""


@functools.lru_cache(maxsize=1)
def _pylint_symbols() -> dict[str, str]:
    from pylint.lint import PyLinter

    linter = PyLinter()
    linter.load_default_plugins()
    return {d.msgid: d.symbol for d in linter.msgs_store.messages}


def mentioned(text: str) -> bool:
    """Whether ``text`` has anything a ``# noqa`` comment could be (else it has none)."""
    return "noqa" in text.casefold()


def logical_lines(text: str) -> dict[int, tuple[int, int]]:
    """Physical line -> (first, last) line of the logical line holding it; lines not listed stand alone."""
    return dict(scan(text)[1])


@functools.lru_cache(maxsize=16)
def scan(text: str) -> tuple[tuple[tuple[int, str], ...] | None, dict[int, tuple[int, int]]]:
    """One tokenize pass over ``text`` (it is slow on large files, and several passes read its results): its
    comments as (line, text), None when it does not tokenize to the end; and ``logical_lines``, as far as it
    tokenizes. The result is shared: do not change it."""
    comments: list[tuple[int, str]] = []
    out: dict[int, tuple[int, int]] = {}
    start: int | None = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                comments.append((tok.start[0], tok.string))
                continue
            if tok.type in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
                continue
            if start is None:
                start = tok.start[0]
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                end = tok.end[0] if tok.type == tokenize.NEWLINE else tok.start[0]
                if end > start:
                    for n in range(start, end + 1):
                        out[n] = (start, end)
                start = None
    except (tokenize.TokenError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None, out  # what was read so far stands; the rest is read line by line
    return tuple(comments), out


def parse(path: str, text: str, comments: list[tuple[int, str]]) -> list[Noqa]:
    """The ``# noqa`` comments among ``comments`` ((line, text) of a file's comments)."""
    found: list[Noqa] = []
    marked = [(line, m) for line, comment in comments if (m := _NOQA.search(comment)) is not None]
    if not marked:
        return found
    spans = scan(text)[1]
    for line, m in marked:
        codes = tuple(c.upper() for c in re.split(r"[,\s]+", m.group("codes") or "") if c)
        first, last = spans.get(line, (line, line))
        found.append(Noqa(path, first, last, codes))
    return found
