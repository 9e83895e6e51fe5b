"""The text of what the bot posts: inline comment bodies, the summary comment, the review body; all within GitHub's
65,536-character limit, all with finding and LLM text escaped (no @mentions, no HTML) by the markdown publisher."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from reviewbot.models import Comment, Review
from reviewbot.publishers.markdown import comment_block, escape_inline, summary_table

from .accounting import Place, whereabouts
from .limits import MAX_BODY
from .markers import SUMMARY_MARKER, fp_marker

_ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def units(text: str) -> int:
    """Length as GitHub counts it (UTF-16 code units: an emoji counts two), to stay on the safe side."""
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int, note: str = "… (truncated to fit GitHub's comment size limit)") -> str:
    """``text`` cut at a line boundary to at most ``limit`` units (note included), closing an open code fence."""
    if units(text) <= limit:
        return text
    budget = limit - units(note) - 8  # room for "\n" + a closing fence + "\n\n"
    out: list[str] = []
    used = 0
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        need = units(line) + (len(fence) + 1 if fence else 0)
        if used + need > budget:
            room = budget - used - (len(fence) + 1 if fence else 0)
            if room > 0 and not out:
                out.append(line[:room])  # a single huge line: cut it
            break
        out.append(line)
        used += units(line)
        m = _FENCE.match(line)
        if m:
            token = m.group(1)
            if fence is None:
                fence = token
            elif token[0] == fence[0] and len(token) >= len(fence) and not line.strip()[len(token):]:
                fence = None
    body = "".join(out).rstrip("\n")
    if fence:
        body += "\n" + fence
    return body + "\n\n" + note


def _origin(c: Comment) -> str:
    return escape_inline(c.origin.replace("`", "'"))


def inline_body(c: Comment, fp: str, *, with_suggestion: bool = True) -> str:
    """An inline review comment: severity, origin, the escaped text, the suggestion, the hidden fingerprint."""
    head = f"**{_ICON[c.severity.value]} {c.severity.value}** · `{_origin(c)}`" + (f" · CWE-{c.cwe}" if c.cwe else "")
    marker = fp_marker(fp)
    room = MAX_BODY - units(marker) - 2
    shown = c if with_suggestion else replace(c, suggestion=None)
    text = head + "\n\n" + comment_block(shown, heading=False)
    if units(text) > room and shown.suggestion is not None:
        shown = replace(c, suggestion=None)
        text = head + "\n\n" + comment_block(shown, heading=False) + "\n\n_(suggested fix too long to show here)_"
    return truncate(text, room) + "\n\n" + marker


def review_body(new: int, head_sha: str) -> str:
    return (
        f"reviewbot: {new} new inline comment(s) on `{head_sha[:12]}`. The reviewbot summary comment has the counts "
        "and lists the comments not posted inline, or says where those it could not hold are."
    )


@dataclass(frozen=True)
class NotInline:
    comment: Comment
    reason: str
    index: int  # the comment's number in the review (``accounting.everything`` order)


@dataclass(frozen=True)
class SummaryComment:
    body: str
    listed: frozenset[int]  # indices of the comments the body lists


def _llm_line(review: Review) -> str:
    s = review.stats
    if not s.llm_calls and not s.llm_cache_hits:
        return "No LLM calls (static analysis only)."
    return (
        f"LLM: {s.llm_calls} call(s), {s.llm_cache_hits} cache hit(s), "
        f"{s.prompt_tokens} prompt + {s.completion_tokens} completion tokens."
    )


def _more(missing: Sequence[NotInline], elsewhere: Sequence[Place], hint: str) -> str:
    where = whereabouts([item.index for item in missing], elsewhere, hint=hint)
    return f"… {len(missing)} more comment(s) not shown here: GitHub's 65,536-character limit. {where}"


def summary_body(
    review: Review,
    *,
    head_sha: str,
    not_inline: Sequence[NotInline],
    posted: int,
    kept: int,
    removed: int,
    notes: Sequence[str] = (),
    elsewhere: Sequence[Place] = (),
    hint: str = "",
    limit: int = MAX_BODY,
) -> SummaryComment:
    """The summary comment (edited in place on every run). Comments that do not fit are counted, not cut mid-way,
    and the closing line says which of ``elsewhere`` (the job summary, the SARIF file) has them."""
    head = [
        "## reviewbot",
        "",
        f"Reviewed `{head_sha[:12]}`." if head_sha else "",
        "",
        summary_table(review),
        "",
        _llm_line(review),
        "",
        f"Inline comments: {posted} new, {kept} already posted, {removed} outdated removed.",
    ]
    if notes:
        head += ["", *(f"> {escape_inline(n)}" for n in notes)]
    room = limit - units(SUMMARY_MARKER) - 2
    text = "\n".join(head)
    if units(text) > room // 2:
        text = truncate(text, room // 2)
    heading = f"### Not posted inline ({len(not_inline)})" if not_inline else ""
    blocks = [comment_block(i.comment) + f"\n\n<sub>not inline: {escape_inline(i.reason)}</sub>" for i in not_inline]
    used = units(_join(text, heading, [], ""))
    shown = 0
    for block in blocks:  # as many as fit, then fewer while the closing line (its counts change) does not fit
        if used + 2 + units(block) > room:
            break
        used += 2 + units(block)
        shown += 1

    def body(n: int) -> str:
        more = _more(not_inline[n:], elsewhere, hint) if n < len(not_inline) else ""
        return _join(text, heading, blocks[:n], more)

    while shown and units(body(shown)) > room:
        shown -= 1
    return SummaryComment(body(shown) + "\n\n" + SUMMARY_MARKER, frozenset(i.index for i in not_inline[:shown]))


def _join(head: str, heading: str, blocks: Sequence[str], more: str) -> str:
    return "\n\n".join(part for part in (head, heading, *blocks, more) if part)
