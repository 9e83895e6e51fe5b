"""``--format text``: the terminal report — per file, the commented code lines, the comment, the verified fix as a
diff, and a one-screen summary. Colour only on a TTY and never with NO_COLOR (rich does the rendering)."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console
from rich.text import Text

from reviewbot.models import Comment, Review, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _comment(out: Console, c: Comment) -> None:
    width = len(str(c.end_line))
    for offset, code in enumerate(c.code.splitlines() or [""]):
        out.print(Text.assemble((f"  {c.line + offset:>{width}} │ ", "dim"), code.rstrip()), soft_wrap=True)
    where = f"{c.path}:{c.line}" + (f"-{c.end_line}" if c.end_line != c.line else "")
    head = Text.assemble(
        (f"  {where} ", "bold"),
        (c.severity.value, _STYLE[c.severity]),
        (f" [{c.origin}]", "magenta"),
        (f" CWE-{c.cwe}" if c.cwe else "", "magenta"),
        (f"  score {c.score:.2f}", "dim"),
    )
    out.print(head, soft_wrap=True)
    for line in c.body.strip().splitlines():
        out.print(Text("    " + line), soft_wrap=True)
    if c.reason:
        out.print(Text("    why: " + c.reason, style="dim"), soft_wrap=True)
    if c.suggestion is not None:
        out.print(Text("    suggested fix:", style="green"))
        for line in c.code.splitlines():
            out.print(Text("    - " + line, style="red"), soft_wrap=True)
        for line in c.suggestion.splitlines():
            out.print(Text("    + " + line, style="green"), soft_wrap=True)
    if len(c.sources) > 1:
        out.print(Text("    also reported by: " + ", ".join(s for s in c.sources if s != c.origin), style="dim"))
    out.print()


def _summary(out: Console, review: Review) -> None:
    s = review.summary
    counts = review.counts()
    total = len(review.comments)
    out.print(
        Text.assemble(
            (f"{total} comment{'s' if total != 1 else ''}", "bold"),
            f" ({counts['error']} error, {counts['warning']} warning, {counts['info']} info)"
            f" on {len(s.files_reviewed)} file(s) in {review.stats.seconds:.1f}s",
        ),
        soft_wrap=True,
    )
    for st in s.analyzers:
        line = f"  {st.name}: {st.status.value}, {st.findings} finding(s), {st.seconds:.1f}s"
        if st.cached:
            line += f", {st.cached} cached"
        if st.message:
            line += f" — {st.message}"
        out.print(Text(line, style="red" if st.status.value == "error" else ""), soft_wrap=True)
        for note in st.notes[:5]:
            out.print(Text(f"    {note}", style="dim"), soft_wrap=True)
    for m in s.metrics:
        out.print(
            Text(f"  complexity {m.path}:{m.line} {m.symbol}: {m.before:g} → {m.after:g}", style="dim"),
            soft_wrap=True,
        )
    if s.cut:
        out.print(Text("  not shown: " + ", ".join(f"{n} {why}" for why, n in sorted(s.cut.items())), style="dim"))
    for c in s.moved_to_summary:
        out.print(Text(f"  {c.path}:{c.line}: {c.body.splitlines()[0] if c.body else ''}"), soft_wrap=True)
    skipped: dict[str, list[str]] = defaultdict(list)
    for f in s.files_skipped:
        skipped[f.reason].append(f.path)
    for reason, paths in sorted(skipped.items()):
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        out.print(Text(f"  skipped ({reason}): {shown}", style="dim"), soft_wrap=True)
    for note in s.notes:
        out.print(Text(f"  note: {note}", style="yellow"), soft_wrap=True)


def render(review: Review, *, source: str = "", color: bool = False) -> str:
    buf = io.StringIO()
    out = Console(file=buf, force_terminal=color, no_color=not color, highlight=False, width=120, emoji=False)
    if source:
        out.print(Text(f"reviewbot: {source}", style="bold"), soft_wrap=True)
        out.print()
    by_file: dict[str, list[Comment]] = defaultdict(list)
    for c in review.comments:
        by_file[c.path].append(c)
    for path in sorted(by_file):
        out.print(Text(path, style="bold underline"), soft_wrap=True)
        for c in sorted(by_file[path], key=lambda c: c.line):
            _comment(out, c)
    _summary(out, review)
    return buf.getvalue()
