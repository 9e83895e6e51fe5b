"""``--format text``: the terminal report, and ``--format short`` for git hooks.

``text``: per file (source first, then tests, then data), the commented code lines with line numbers, the comment under them (severity, rule, CWE, score,
the discriminator's reason), the verified fix as a coloured diff; then a one-screen summary. ``short``: one line per
comment pointing at ``file:line`` plus the code line, and a one-line total: what a pre-commit hook should print.
``-q`` (``render_quiet``): the comments only, as a linter's ``-q``; analyzer failures go to stderr.

Colour only when asked (a TTY without ``NO_COLOR``; the caller decides); rich does the rendering. Code and messages
come from the reviewed change, so control characters and bidirectional overrides are shown escaped, never sent to
the terminal (an ANSI sequence in a string literal must not repaint the user's screen).
"""

from __future__ import annotations

import difflib
import io
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from rich.console import Console
from rich.text import Text

from reviewbot.kindsummary import summary_line
from reviewbot.models import Comment, Review, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
WIDTH = 120
MAX_LIST = 5  # rows per summary section before "and N more" (the summary must fit one screen)


def safe(text: str) -> str:
    """``text`` with control and format characters (ANSI escapes, bidi overrides) made visible; tabs kept."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch == "\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"):
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return "".join(out)


def _lines(text: str) -> list[str]:
    return [safe(line) for line in text.splitlines()]


def _where(c: Comment) -> str:
    return f"{c.path}:{c.line}" + (f"-{c.end_line}" if c.end_line != c.line else "")


def _rule(c: Comment) -> str:
    return c.origin + (f" CWE-{c.cwe}" if c.cwe else "")


def fix_diff(code: str, suggestion: str, first_line: int) -> list[tuple[str, str, int | None]]:
    """(kind, text, old line number) rows of the fix as a diff: kind ' ' kept, '-' removed, '+' added."""
    old, new = code.splitlines(), suggestion.splitlines()
    rows: list[tuple[str, str, int | None]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [(" ", old[i], first_line + i) for i in range(i1, i2)]
            continue
        rows += [("-", old[i], first_line + i) for i in range(i1, i2)]
        rows += [("+", new[j], None) for j in range(j1, j2)]
    return rows


def _comment(out: Console, c: Comment) -> None:
    width = len(str(max(c.end_line, c.line)))
    for offset, code in enumerate(_lines(c.code) or [""]):
        out.print(Text.assemble((f"  {c.line + offset:>{width}} │ ", "dim"), code), soft_wrap=True)
    pad = " " * (width + 3)
    out.print(
        Text.assemble(
            (f"{pad}└─ ", "dim"),
            (c.severity.value, _STYLE[c.severity]),
            ("  ", ""),
            (_rule(c), "magenta"),
            (f"  score {c.score:.2f}", "dim"),
        ),
        soft_wrap=True,
    )
    indent = pad + "   "
    for line in _lines(c.body.strip()):
        out.print(Text(indent + line), soft_wrap=True)
    if c.reason:
        out.print(Text(indent + "why: " + safe(c.reason), style="dim"), soft_wrap=True)
    if len(c.sources) > 1:
        others = ", ".join(s for s in c.sources if s != c.origin)
        out.print(Text(indent + "also reported by: " + safe(others), style="dim"), soft_wrap=True)
    if c.suggestion is not None:
        out.print(Text(indent + "suggested fix:", style="green"))
        for kind, line, number in fix_diff(c.code, c.suggestion, c.line):
            style = {"-": "red", "+": "green", " ": "dim"}[kind]
            num = f"{number:>{width}}" if number is not None else " " * width
            out.print(Text(f"{indent}{num} {kind} {safe(line)}", style=style), soft_wrap=True)
        if not c.suggestion.strip():
            out.print(Text(indent + "(the fix deletes these lines)", style="dim"))
    out.print()


def _capped(items: list[str], what: str) -> Iterable[str]:
    yield from items[:MAX_LIST]
    if len(items) > MAX_LIST:
        yield f"... and {len(items) - MAX_LIST} more {what}"


def totals(review: Review) -> str:
    counts = review.counts()
    total = len(review.comments)
    parts = [f"{counts[s.value]} {s.value}" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s.value]]
    return f"{total} comment{'s' if total != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")


def _summary(out: Console, review: Review) -> None:
    s = review.summary
    out.print(Text("─" * 40, style="dim"))
    out.print(
        Text.assemble(
            (totals(review), "bold"),
            f" on {len(s.files_reviewed)} file{'s' if len(s.files_reviewed) != 1 else ''}"
            f" in {review.stats.seconds:.1f}s",
        ),
        soft_wrap=True,
    )
    kinds = summary_line(s.file_kinds)
    if kinds:
        out.print(Text("  by kind: " + safe(kinds), style="dim"), soft_wrap=True)
    if s.analyzers:
        parts = []
        for st in s.analyzers:
            part = f"{st.name} {st.status.value}" if st.status.value != "ok" else f"{st.name} {st.findings}"
            parts.append(part + f" ({st.seconds:.1f}s{', cached' if st.cached else ''})")
        out.print(Text("  analyzers: " + ", ".join(parts), style="dim"), soft_wrap=True)
        for st in s.analyzers:
            if st.message:
                out.print(Text(f"  {st.name}: {safe(st.message)}", style="red"), soft_wrap=True)
            for note in _capped([safe(n) for n in st.notes], "notes"):
                out.print(Text(f"    {note}", style="dim"), soft_wrap=True)
    if s.python:
        out.print(Text(f"  python: {safe(s.python)}", style="dim"), soft_wrap=True)
    if review.stats.llm_calls:
        stats = review.stats
        out.print(
            Text(f"  llm: {stats.llm_calls} call(s), {stats.llm_cache_hits} cached, "
                 f"{stats.prompt_tokens + stats.completion_tokens} tokens", style="dim"),
            soft_wrap=True,
        )
    metrics = [
        f"complexity {m.path}:{m.line} {safe(m.symbol)}: {m.before:g} → {m.after:g}"
        for m in s.metrics
        if m.before is not None and m.after is not None
    ]
    for line in _capped(metrics, "complexity changes"):
        out.print(Text("  " + line, style="dim"), soft_wrap=True)
    if s.cut:
        out.print(Text("  not shown: " + ", ".join(f"{n} {why}" for why, n in sorted(s.cut.items())), style="dim"))
    if review.over_budget:
        out.print(Text(f"  {len(review.over_budget)} more over the noise budget: --format json or sarif has them",
                       style="dim"), soft_wrap=True)
    moved = [f"{_where(c)}: {c.severity.value} {safe(c.body.splitlines()[0]) if c.body else ''}"
             for c in s.moved_to_summary]
    for line in _capped(moved, "comments outside the diff"):
        out.print(Text("  outside the diff: " + line), soft_wrap=True)
    skipped: dict[str, list[str]] = defaultdict(list)
    for f in s.files_skipped:
        skipped[f.reason].append(safe(f.path))
    for reason, paths in sorted(skipped.items()):
        shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        out.print(Text(f"  skipped ({safe(reason)}): {shown}", style="dim"), soft_wrap=True)
    for note in _capped([safe(n) for n in s.notes], "notes"):
        out.print(Text(f"  note: {note}", style="yellow"), soft_wrap=True)


def _console(buf: io.StringIO, color: bool) -> Console:
    return Console(
        file=buf, force_terminal=color, no_color=not color, color_system="standard" if color else None,
        highlight=False, width=WIDTH, emoji=False, markup=False, legacy_windows=False,
    )


def render(review: Review, *, source: str = "", color: bool = False) -> str:
    buf = io.StringIO()
    out = _console(buf, color)
    if source:
        out.print(Text(f"reviewbot: {safe(source)}", style="bold"), soft_wrap=True)
        out.print()
    _files(out, review)
    _summary(out, review)
    return buf.getvalue()


def _files(out: Console, review: Review) -> None:
    by_file: dict[str, list[Comment]] = defaultdict(list)
    for c in review.comments:
        by_file[c.path].append(c)
    for path in sorted(by_file, key=lambda p: (by_file[p][0].kind.order, p)):  # source, then tests, then data
        out.print(Text(safe(path), style="bold underline"), soft_wrap=True)
        for c in sorted(by_file[path], key=lambda c: (c.line, c.end_line)):
            _comment(out, c)


def render_quiet(review: Review, *, short: bool, color: bool = False) -> str:
    """``-q``: the comments and nothing else, as a linter's ``-q`` prints. ``short``: one line per comment
    (``path:line: severity rule: message``, no code line); else the per-file blocks of ``render`` without the
    heading and the summary. Nothing at all when there is no comment; analyzer failures are ``problems``, for
    stderr."""
    buf = io.StringIO()
    out = _console(buf, color)
    if short:
        for c in sorted(review.comments, key=lambda c: (c.kind.order, c.path, c.line)):
            _short_line(out, c)
    else:
        _files(out, review)
    return buf.getvalue()


def problems(review: Review) -> list[str]:
    """What went wrong in the analyzers (one line each): a degraded review is never silent, even under ``-q``."""
    return [f"{st.name}: {safe(st.message)}" for st in review.summary.analyzers if st.message]


def render_short(review: Review, *, source: str = "", color: bool = False) -> str:
    """One line per comment (``path:line: severity rule: message``) and its first code line; then the totals.

    Nothing at all when there is nothing to say (a hook that passes stays quiet)."""
    buf = io.StringIO()
    out = _console(buf, color)
    for c in sorted(review.comments, key=lambda c: (c.kind.order, c.path, c.line)):
        _short_line(out, c)
        code = (_lines(c.code) or [""])[0].strip()
        if code:
            out.print(Text(f"    {code}", style="dim"), soft_wrap=True)
    s = review.summary
    for p in problems(review):
        out.print(Text(f"reviewbot: {p}", style="red"), soft_wrap=True)
    for note in _capped([safe(n) for n in s.notes], "notes"):
        out.print(Text(f"reviewbot: note: {note}", style="yellow"), soft_wrap=True)
    if review.comments:
        again = "reviewbot review --staged" if source == "staged changes" else "reviewbot review"
        out.print(
            Text(f"reviewbot: {totals(review)} in {len(s.files_reviewed)} file(s). Details and fixes: `{again}`; "
                 "a false positive: `# reviewbot: ignore[RULE]` on its line", style="bold"),
            soft_wrap=True,
        )
    return buf.getvalue()


def _short_line(out: Console, c: Comment) -> None:
    first = (_lines(c.body.strip()) or [""])[0]
    out.print(
        Text.assemble(
            (f"{safe(_where(c))}: ", "bold"),
            (c.severity.value, _STYLE[c.severity]),
            (f" {_rule(c)}: ", "magenta"),
            first,
            (" [fix available]" if c.suggestion is not None else "", "green"),
        ),
        soft_wrap=True,
    )
