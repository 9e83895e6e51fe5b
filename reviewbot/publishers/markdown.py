"""``--format markdown``: what a pull-request summary shows (also the GitHub summary comment's body)."""

from __future__ import annotations

from reviewbot.kindsummary import summary_line
from reviewbot.models import Comment, Review

_ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside ``text`` (PR content cannot break out of it)."""
    longest, run = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def escape_inline(text: str) -> str:
    """Neutralise markdown that could mention people or teams, or inject HTML, in untrusted text."""
    return text.replace("@", "@\u200b").replace("<", "&lt;").replace(">", "&gt;")


def comment_block(c: Comment, *, heading: bool = True) -> str:
    lines = []
    if heading:
        where = f"{c.path}:{c.line}" + (f"-{c.end_line}" if c.end_line != c.line else "")
        lines.append(f"#### {_ICON[c.severity.value]} `{where}` — {c.severity.value} ({c.origin})")
    lines.append(escape_inline(c.body.strip()))
    meta = [f"score {c.score:.2f}"]
    if c.cwe:
        meta.append(f"CWE-{c.cwe}")
    if c.reason:
        meta.append(escape_inline(c.reason))
    lines.append("")
    lines.append("<sub>" + " · ".join(meta) + "</sub>")
    if c.suggestion is not None:
        fence = _fence(c.suggestion)
        lines += ["", f"{fence}suggestion", c.suggestion.rstrip("\n"), fence]
    return "\n".join(lines)


def summary_table(review: Review) -> str:
    s = review.summary
    counts = review.counts()
    out = [
        f"**{len(review.comments)} comment(s)**: {counts['error']} error, {counts['warning']} warning, "
        f"{counts['info']} info — {len(s.files_reviewed)} Python file(s) reviewed",
        *([f"By kind: {escape_inline(summary_line(s.file_kinds))}"] if s.file_kinds else []),
        "",
        "| analyzer | status | findings | seconds |",
        "|---|---|---|---|",
    ]
    for st in s.analyzers:
        status = st.status.value + (f": {escape_inline(st.message)}" if st.message else "")
        out.append(f"| {st.name} | {status} | {st.findings} | {st.seconds:.1f} |")
    if s.metrics:
        out += ["", "| complexity | before | after |", "|---|---|---|"]
        for m in s.metrics:
            out.append(
                f"| `{m.path}:{m.line}` {escape_inline(m.symbol)} | {m.before:g} ({m.rank_before or '-'}) | "
                f"{m.after:g} ({m.rank_after or '-'}) |"
            )
    if s.python:
        out += ["", f"Python: {escape_inline(s.python)}"]
    if s.cut:
        out += ["", "Not shown: " + ", ".join(f"{n} {why}" for why, n in sorted(s.cut.items()))]
    if s.files_skipped:
        out += ["", "<details><summary>Skipped files</summary>", ""]
        out += [f"- `{escape_inline(f.path)}`: {f.reason}" for f in s.files_skipped]
        out += ["", "</details>"]
    if s.notes:
        out += [""] + [f"> {escape_inline(n)}" for n in s.notes]
    return "\n".join(out)


def render(review: Review, *, source: str = "", color: bool = False) -> str:
    parts = ["## reviewbot", "", summary_table(review)]
    if review.comments:
        parts += ["", "### Comments", ""]
        parts += [comment_block(c) + "\n" for c in review.comments]
    if review.summary.moved_to_summary:
        parts += ["", "### Outside the diff", ""]
        parts += [comment_block(c) + "\n" for c in review.summary.moved_to_summary]
    return "\n".join(parts).rstrip() + "\n"
