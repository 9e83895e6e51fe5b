"""The bounded repository scan of the facts analyzer: callers of changed signatures that still use the old form.

Which calls count as calls of the changed def (precision first):

- a function: ``f(...)`` in its own module, or where ``f`` is imported from it; ``mod.f(...)`` where ``mod``
  resolves to its module (absolute imports match by path suffix, relative ones exactly);
- a method: ``self.m(...)``/``cls.m(...)`` in its class or in a class naming it as a base; ``C.m(...)``; any
  ``x.m(...)`` only when ``m`` is defined once in the whole scanned code (confidence low);
- ``__init__``: ``C(...)``, ``super().__init__(...)`` in a subclass, ``C.__init__(self, ...)``.

A matched call is reported when it binds to the old signature but not the new one (``_signatures.misfit``).
With ``descriptions`` (an LLM reads the facts) every other matched call becomes a ``caller`` Fact (at most
``MAX_CALLERS`` per change, by path and line): the call sites the LLM prompt lists. Only changes of the
parameters are searched for in the whole repository (``git grep``, once per review); a change of the
signature's text alone (annotations) cannot break a call, so its callers are looked for among the changed
files only.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst
from reviewbot.analyzers import _callsites as cs
from reviewbot.analyzers import _repo, _source
from reviewbot.analyzers._changed_defs import Change
from reviewbot.analyzers._defs import Parsed
from reviewbot.analyzers._signatures import misfit
from reviewbot.analyzers.base import AnalysisContext, SourceFile

from reviewbot.models import Confidence, Fact, Finding, Severity, finding_fingerprint

if TYPE_CHECKING:
    from reviewbot.analyzers.facts import FactsOptions

RULE = "signature-change-caller"
MAX_CALLERS = 20  # ``caller`` facts per change: the prompt lists at most this many call sites


@dataclass(frozen=True)
class Match:
    bound: bool  # self/cls is supplied by the call
    confidence: Confidence
    generic: bool = False  # ``x.m(...)`` on an unknown object: only if ``m`` is defined once


@dataclass
class Hit:
    change: Change
    path: str
    text: str
    site: cs.Site
    problem: str
    match: Match


@dataclass(frozen=True)
class Caller:
    """A matched call that still binds (or that neither signature accepts): shown to the LLM, not reported."""

    change: Change
    path: str
    line: int
    end_line: int
    code: str  # the call's first line, stripped
    generic: bool


def search_names(changes: Sequence[Change]) -> list[str]:
    names: set[str] = set()
    for c in changes:
        names.add(c.defn.node.name.value)
        if c.defn.node.name.value == "__init__" and c.defn.cls:
            names.add(c.defn.cls)
    return sorted(names)


def find_callers(
    changes: Sequence[Change],
    files: Sequence[SourceFile],
    parsed_after: Mapping[str, Parsed],
    ctx: AnalysisContext,
    opts: FactsOptions,
) -> tuple[list[Fact], list[Finding], list[str]]:
    deadline = time.monotonic() + opts.scan_seconds
    searched = [c for c in changes if c.what]  # parameters changed: callers searched repository-wide
    names = search_names(searched)
    name_set = set(search_names(changes))
    notes: list[str] = []
    cut = ""
    changed = {sf.path for sf in files} | {sf.old_path for sf in files if sf.old_path}
    repo_paths: list[str] = []
    if ctx.repo_root is not None and names:
        try:
            repo_paths = [p for p in _repo.grep_files(ctx.repo_root, ctx.rev, names, opts.scan_seconds) if p not in changed]
        except _repo.RepoError as exc:
            notes.append(f"call-site search of the repository skipped: {exc}")
        except OSError as exc:
            notes.append(f"call-site search of the repository skipped: {exc}")
    matched_files = len(repo_paths)
    if len(repo_paths) > opts.scan_max_files:
        cut = f"more than scan_max_files={opts.scan_max_files} files mention {', '.join(names)}"
        repo_paths = repo_paths[: opts.scan_max_files]

    hits: list[Hit] = []
    callers: list[Caller] = []
    seen_sites: Counter[int] = Counter()  # id(change) -> matched call sites
    site_files: dict[int, set[str]] = {}
    def_counts: Counter[str] = Counter()
    scanned = 0
    unreadable = unparsable = 0

    by_name = _by_name(changes)  # what the changed files may call
    by_name_repo = _by_name(searched)  # what the other files may call
    method_names = sorted({c.defn.node.name.value for c in changes if c.defn.cls})
    defs_re = re.compile(rf"\bdef\s+({'|'.join(map(re.escape, method_names))})\b") if method_names else None

    def process(
        path: str, text: str, by_name: Mapping[str, list[Change]], module: cst.Module | None = None
    ) -> bool:
        got = cs.scan(path, text, module)
        if got is None:
            return False
        imps, sites = got
        if defs_re is not None:
            def_counts.update(defs_re.findall(text))
        # ``from m import parse as p``: calls of ``p`` are candidates for changes of ``parse``
        aliases = {
            local: by_name[i.attr]
            for local, found in imps.items()
            for i in found
            if i.attr and i.attr != local and i.attr in by_name
        }
        for site in sites:
            for change in [*by_name.get(site.callee, ()), *aliases.get(site.callee, ())]:
                m = _match(change, site, path, imps)
                if m is None:
                    continue
                seen_sites[id(change)] += 1
                site_files.setdefault(id(change), set()).add(path)
                new = change.new.bound() if m.bound else change.new
                old = change.old.bound() if m.bound else change.old
                problem = misfit(new, site.shape)
                if problem is not None and misfit(old, site.shape) is None:
                    hits.append(Hit(change, path, text, site, problem, m))
                elif opts.descriptions:
                    code = _line(text, site.line)
                    callers.append(Caller(change, path, site.line, site.end_line, code, m.generic))
        return True

    for sf in files:
        p = parsed_after.get(sf.path)
        if p is not None and mentions(sf.text, name_set):
            process(sf.path, sf.text, by_name, p.module)
    read = 0
    if repo_paths and ctx.repo_root is not None:
        try:
            remaining = max(1.0, deadline - time.monotonic())
            texts = _repo.read_texts(ctx.repo_root, ctx.rev, repo_paths, opts.scan_max_file_bytes, remaining)
            for path, text in texts:
                if time.monotonic() > deadline:
                    cut = cut or f"the search took longer than scan_seconds={opts.scan_seconds:g}"
                    break
                if text is None:
                    unreadable += 1
                    continue
                read += len(text)
                if read > opts.scan_max_bytes:
                    cut = cut or f"more than scan_max_bytes={opts.scan_max_bytes} to read"
                    break
                if process(path, text, by_name_repo):
                    scanned += 1
                else:
                    unparsable += 1
        except _repo.RepoError as exc:
            notes.append(f"call-site search could not read the repository: {exc}")
    if cut:
        notes.append(
            f"call-site search cut: {cut}; scanned {scanned} of {matched_files} candidate files "
            "(raise facts.scan_max_files / scan_max_bytes / scan_seconds)"
        )
    if unreadable or unparsable:
        notes.append(f"call-site search skipped {unreadable} unreadable/oversized and {unparsable} unparsable files")

    def keep(change: Change, generic: bool) -> bool:
        return not generic or (not cut and def_counts[change.defn.node.name.value] == 1)

    kept = [h for h in hits if keep(h.change, h.match.generic)]
    facts: list[Fact] = []
    findings: list[Finding] = []
    flagged: Counter[int] = Counter()
    for h in kept:
        line, end_line = h.site.line, h.site.end_line
        flagged[id(h.change)] += 1
        facts.append(_site_fact(h, line, end_line))
        findings.append(_finding(h, line, end_line))
    facts += _caller_facts([c for c in callers if keep(c.change, c.generic)])
    for change in searched:
        n = seen_sites[id(change)]
        text = (
            f"{n} call site{'s' if n != 1 else ''} in {len(site_files.get(id(change), ()))} file(s); "
            f"{flagged[id(change)]} still use the old signature"
        )
        if cut:
            text += " (search cut short)"
        if ctx.repo_root is None:
            text += " (changed files only: no repository)"
        facts.append(Fact(change.path, change.defn.def_line, change.defn.qualname, "call-sites", text, "after"))
    return facts, findings, notes


def _by_name(changes: Sequence[Change]) -> dict[str, list[Change]]:
    """Callee name -> the changes a call of that name may be a call of (``C(...)`` for ``C.__init__``)."""
    out: dict[str, list[Change]] = {}
    for change in changes:
        out.setdefault(change.defn.node.name.value, []).append(change)
        if change.defn.node.name.value == "__init__" and change.defn.cls:
            out.setdefault(change.defn.cls, []).append(change)
    return out


def _line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def _caller_facts(callers: Sequence[Caller]) -> list[Fact]:
    """The first ``MAX_CALLERS`` calls of each change, by path and line."""
    shown: Counter[int] = Counter()
    out = []
    for c in sorted(callers, key=lambda c: (c.path, c.line, c.change.defn.qualname)):
        shown[id(c.change)] += 1
        if shown[id(c.change)] <= MAX_CALLERS:
            out.append(Fact(c.path, c.line, c.change.defn.qualname, "caller", c.code, "after", c.end_line))
    return out


def mentions(text: str, names: set[str]) -> bool:
    """Whether ``text`` has one of ``names`` as a whole word."""
    return any(m.group(0) in names for m in re.finditer(r"\w+", text))


def _site_fact(h: Hit, line: int, end_line: int) -> Fact:
    text = f"{h.path}:{line} {h.site.code} — {h.problem}"
    return Fact(h.path, line, h.change.defn.qualname, "call-site", text, "after", end_line)


def _finding(h: Hit, line: int, end_line: int) -> Finding:
    short = h.change.defn.node.name.value
    if short == "__init__" and h.change.defn.cls:
        short = h.change.defn.cls
    message = (
        f"{short}() changed its signature in {h.change.path} ({'; '.join(h.change.what)}), "
        f"but this call still uses the old form: it {h.problem}"
    )
    return Finding(
        tool="facts",
        rule_id=RULE,
        path=h.path,
        line=line,
        end_line=end_line,
        severity=Severity.ERROR,
        confidence=h.match.confidence,
        message=message,
        fingerprint=finding_fingerprint("facts", RULE, h.path, _source.code_at(h.text, line, end_line)),
        symbol=h.site.symbol,
    )


def _refers(local: str, name: str, path: str, change: Change, imps: Mapping[str, list[cs.Imported]]) -> bool:
    """Whether the bare name ``local`` in file ``path`` is the changed def's module-level ``name``: in its own
    file (unless imported from elsewhere), or imported from its module (``from m import name [as local]``)."""
    target = cs.module_parts(change.path)
    found = imps.get(local, [])
    if path == change.path and local == name:
        return not any(not cs.same_module(i.module, i.absolute, target) for i in found)
    if any(i.attr == name and cs.same_module(i.module, i.absolute, target) for i in found):
        return True
    return local == name and any(cs.same_module(i.module, i.absolute, target) for i in imps.get("*", []))


def _modules(prefix: list[str], imps: Mapping[str, list[cs.Imported]]) -> list[tuple[tuple[str, ...], bool]]:
    """The modules a dotted prefix (``pkg.mod`` in ``pkg.mod.f``) may name, through the file's imports."""
    head, rest = prefix[0], tuple(prefix[1:])
    out = []
    for imp in imps.get(head, []):
        if imp.attr is None:
            if imp.module[0] == head and len(imp.module) > 1:  # import a.b  ->  a.b.f
                out.append((tuple(prefix), imp.absolute))
            else:  # import a / import a.b as x
                out.append((imp.module + rest, imp.absolute))
        elif imp.attr != "*":  # from pkg import mod  ->  mod.f
            out.append((imp.module + (imp.attr,) + rest, imp.absolute))
    return out


def _match(change: Change, site: cs.Site, path: str, imps: Mapping[str, list[cs.Imported]]) -> Match | None:
    d = change.defn
    name = d.node.name.value
    parts = site.parts
    target = cs.module_parts(change.path)
    if d.kind == "function":
        if parts and len(parts) == 1:
            return Match(False, Confidence.HIGH) if _refers(parts[0], name, path, change, imps) else None
        if parts and len(parts) >= 2 and parts[-1] == name:
            if any(cs.same_module(m, a, target) for m, a in _modules(list(parts[:-1]), imps)):
                return Match(False, Confidence.HIGH)
        return None
    cls = d.cls or ""
    static = d.kind == "staticmethod"
    if name == "__init__":
        if parts and len(parts) == 1 and _refers(parts[0], cls, path, change, imps):
            return Match(True, Confidence.HIGH)
        if site.super_init and cls in site.bases:
            return Match(True, Confidence.MEDIUM)
        if parts and len(parts) == 2 and parts[1] == "__init__" and _refers(parts[0], cls, path, change, imps):
            return Match(False, Confidence.HIGH)
        return None
    if parts in (("self", name), ("cls", name)):
        if site.cls == cls and path == change.path:
            return Match(not static, Confidence.HIGH)
        if cls in site.bases:
            return Match(not static, Confidence.MEDIUM)
        return None
    if parts and len(parts) == 2 and parts[1] == name and _refers(parts[0], cls, path, change, imps):
        return Match(d.kind == "classmethod", Confidence.HIGH)
    if site.callee == name and (parts is None or len(parts) >= 2) and not name.startswith("__"):
        return Match(not static, Confidence.LOW, generic=True)
    return None
