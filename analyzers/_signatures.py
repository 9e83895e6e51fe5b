"""Signatures and Python's binding rules: a def's parameters, what changed, whether a call still binds; pure.

A changed signature is compared parameter by parameter (added, removed, renamed, reordered, default changed, kind
changed); a call site is reported only when it binds to the *old* signature and not to the *new* one, the way
Python would bind it, so calls that fit the new signature are never flagged and calls we cannot judge (``*args``
or ``**kwargs`` expansions that could supply what is missing) are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

_EMPTY = cst.Module(body=[])


def signature_text(node: cst.FunctionDef) -> str:
    """A function's header on one line, as the prompts and the facts show it: ``async def f(a, b=1) -> int``
    (decorators, the body and a trailing comma left out; whitespace runs collapsed)."""
    header = node.with_changes(
        body=cst.SimpleStatementSuite(body=[cst.Expr(cst.Ellipsis())]), decorators=(), leading_lines=()
    )
    text = _EMPTY.code_for_node(header).strip()
    if text.endswith("..."):
        text = text[: -len("...")].rstrip()
    if text.endswith(":"):
        text = text[:-1]
    return " ".join(text.split()).replace("( ", "(").replace(" )", ")").replace(",)", ")")


def code(node: cst.CSTNode, limit: int = 0) -> str:
    """Source of a node on one line (whitespace runs collapsed), cut at ``limit`` characters."""
    text = " ".join(_EMPTY.code_for_node(node).split())
    if limit and len(text) > limit:
        return text[: limit - 3] + "..."
    return text


@dataclass(frozen=True)
class Param:
    name: str
    default: str | None  # source of the default, None when required

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Signature:
    posonly: tuple[Param, ...]
    params: tuple[Param, ...]  # positional-or-keyword
    vararg: str | None
    kwonly: tuple[Param, ...]
    varkw: str | None

    @property
    def positional(self) -> tuple[Param, ...]:
        return self.posonly + self.params

    def names(self) -> list[str]:
        return [p.name for p in (*self.posonly, *self.params, *self.kwonly)]

    def bound(self) -> Signature:
        """The signature seen through an instance or class (``self``/``cls`` already supplied)."""
        if self.posonly:
            return Signature(self.posonly[1:], self.params, self.vararg, self.kwonly, self.varkw)
        if self.params:
            return Signature((), self.params[1:], self.vararg, self.kwonly, self.varkw)
        return self


def signature(node: cst.FunctionDef) -> Signature:
    p = node.params

    def conv(items: Sequence[cst.Param]) -> tuple[Param, ...]:
        return tuple(Param(x.name.value, code(x.default) if x.default is not None else None) for x in items)

    vararg = p.star_arg.name.value if isinstance(p.star_arg, cst.Param) else None
    varkw = p.star_kwarg.name.value if p.star_kwarg is not None else None
    return Signature(conv(p.posonly_params), conv(p.params), vararg, conv(p.kwonly_params), varkw)


def describe_change(old: Signature, new: Signature) -> list[str]:
    """What changed between two signatures, in words; empty when callers cannot tell the difference."""
    out: list[str] = []
    old_names, new_names = old.names(), new.names()
    old_pos = [p.name for p in old.positional]
    new_pos = [p.name for p in new.positional]
    renamed: set[str] = set()
    for i, name in enumerate(old_pos):
        if i < len(new_pos) and new_pos[i] != name and name not in new_names and new_pos[i] not in old_names:
            out.append(f"parameter '{name}' renamed to '{new_pos[i]}'")
            renamed.update((name, new_pos[i]))
    for name in old_names:
        if name not in new_names and name not in renamed:
            out.append(f"parameter '{name}' removed")
    by_old = {p.name: p for p in (*old.posonly, *old.params, *old.kwonly)}
    for p in (*new.posonly, *new.params, *new.kwonly):
        if p.name in renamed:
            continue
        if p.name not in by_old:
            out.append(f"parameter '{p.name}' added" + (" (required)" if p.required else f" (default {p.default})"))
            continue
        before = by_old[p.name]
        if before.default != p.default:
            if p.default is None:
                out.append(f"'{p.name}' is now required (was {before.default})")
            elif before.default is None:
                out.append(f"'{p.name}' now has a default ({p.default})")
            else:
                out.append(f"default of '{p.name}' changed from {before.default} to {p.default}")
    common = [n for n in old_pos if n in new_pos]
    if common != [n for n in new_pos if n in old_pos]:
        out.append("positional parameters reordered")
    for name in new_names:
        if name in old_names:
            was, now = _kind(old, name), _kind(new, name)
            if was != now:
                out.append(f"'{name}' changed from {was} to {now}")
    if (old.vararg is None) != (new.vararg is None):
        out.append("*args " + ("added" if new.vararg else "removed"))
    if (old.varkw is None) != (new.varkw is None):
        out.append("**kwargs " + ("added" if new.varkw else "removed"))
    return out


def _kind(sig: Signature, name: str) -> str:
    if any(p.name == name for p in sig.posonly):
        return "positional-only"
    if any(p.name == name for p in sig.kwonly):
        return "keyword-only"
    return "positional-or-keyword"


@dataclass(frozen=True)
class CallShape:
    positional: int  # plain positional arguments
    keywords: tuple[str, ...]
    star: bool  # has *iterable
    double_star: bool  # has **mapping

    @classmethod
    def of(cls, call: cst.Call) -> CallShape:
        positional = sum(1 for a in call.args if a.keyword is None and not a.star)
        keywords = tuple(a.keyword.value for a in call.args if a.keyword is not None)
        return cls(positional, keywords, any(a.star == "*" for a in call.args), any(a.star == "**" for a in call.args))


def misfit(sig: Signature, call: CallShape) -> str | None:
    """Why ``call`` would not bind to ``sig`` (Python's rules), or None if it binds or cannot be judged."""
    positional = sig.positional
    problems: list[str] = []
    if call.positional > len(positional) and sig.vararg is None:
        problems.append(f"passes {call.positional} positional arguments, at most {len(positional)} accepted")
    filled = {p.name for p in positional[: call.positional]}
    keyword_ok = {p.name for p in (*sig.params, *sig.kwonly)}
    posonly = {p.name for p in sig.posonly}
    for k in call.keywords:
        if k in keyword_ok:
            if k in filled and not call.star:
                problems.append(f"gives '{k}' both by position and by keyword")
            filled.add(k)
        elif sig.varkw is not None:
            continue
        elif k in posonly:
            problems.append(f"passes positional-only '{k}' by keyword")
        else:
            problems.append(f"passes keyword '{k}', which is not a parameter")
    if not call.double_star:
        missing = [] if call.star else [p.name for p in positional if p.required and p.name not in filled]
        missing += [p.name for p in sig.kwonly if p.required and p.name not in filled]
        if missing:
            problems.append("does not pass required " + ", ".join(f"'{m}'" for m in missing))
    return "; ".join(problems) or None
