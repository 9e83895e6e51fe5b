"""Where a URL leads, read as a browser reads it, and whether the run's allow-list lets a link go there.

``target`` resolves entities and backslash escapes, strips the whitespace and control characters browsers ignore,
takes ``\\`` for ``/``, adds the slashes browsers add after ``https:``, drops user info and port, and percent-decodes
the host: ``https:\\\\u:p@Evil%2Eexample:443/`` leads to ``evil.example``. ``LinkPolicy`` allows exact host names
only (a subdomain is another host) and only over http(s); ``shown`` names a host as text no renderer links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(.*)", re.S)
_SLASHED = frozenset({"http", "https", "ftp", "ws", "wss"})  # browsers add the missing slashes of these
_WEB = frozenset({"", "http", "https"})
# GFM's extended autolinks (scheme:// and www.), with any scheme and a backslash for a slash, as browsers read it
BARE = re.compile(r"(?i)(?<![A-Za-z0-9+.\-])(?:[a-z][a-z0-9+.\-]{0,31}:[/\\]{2}|www\.)[^\s<>\"'`\[\]]*")


def normalize_host(host: str) -> str:
    return unquote(host).strip().rstrip(".").lower()


def decode(text: str) -> str:
    """``text`` as a Markdown renderer reads it: entities and backslash escapes resolved (repeatedly)."""
    for _ in range(5):
        decoded = _ESCAPED.sub(r"\1", html.unescape(text))
        if decoded == text:
            break
        text = decoded
    return text


def target(url: str) -> tuple[str, str] | None:
    """(scheme, host) that ``url`` leads to, read leniently like a browser; None for a relative link."""
    u = _CONTROL_OR_SPACE.sub("", decode(url)).replace("\\", "/")
    m = _SCHEME.match(u)
    if m is None:
        return ("", _host(u[2:])) if u.startswith("//") else None
    scheme, rest = m.group(1).lower(), m.group(2)
    if scheme in _SLASHED:
        return scheme, _host(rest.lstrip("/"))
    return scheme, _host(rest[2:]) if rest.startswith("//") else ""


def _host(rest: str) -> str:
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    if authority.startswith("["):
        return normalize_host(authority.split("]", 1)[0] + "]")
    return normalize_host(authority.split(":", 1)[0])


@dataclass(frozen=True)
class LinkPolicy:
    """The hosts links may point to (exact names: a subdomain is another host)."""

    hosts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, hosts: Iterable[str]) -> LinkPolicy:
        return cls(frozenset(h for h in (normalize_host(x) for x in hosts) if h))

    def outside(self, url: str) -> tuple[str, str] | None:
        """None when ``url`` is relative or on an allowed host; else (scheme, host) it points to."""
        found = target(url)
        if found is None:
            return None
        scheme, host = found
        if scheme in _WEB and host and host in self.hosts:
            return None
        return found


def shown(where: tuple[str, str]) -> str:
    """A host (or scheme) as readable, never clickable text: ``evil[.]example``."""
    scheme, host = where
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return "an outside host"
    text = re.sub(r"[^a-z0-9.:\-]", "", ascii_host.lower())[:80]
    if not text:
        scheme = re.sub(r"[^a-z0-9+.\-]", "", scheme)[:32]
        text = f"{scheme}:" if scheme else "an outside address"
    return text.replace(".", "[.]")



def bare_target(url: str) -> str:
    """A bare URL as a link destination (``www.x`` is linked as ``http://www.x``)."""
    return url if "//" in url.replace("\\", "/") else "http://" + url
