"""Pre-existing findings: a finding on a line the change added that the base version of the file already had.

A pull request that renames a variable on a flagged line (``ssl_context.verify_mode = ssl.CERT_NONE`` ->
``ctx.verify_mode = ssl.CERT_NONE``) touches the line, but the flaw was there before; reporting it blames the
author for old code. So, for each changed file that exists in the base and has findings on added lines from an
analyzer whose findings depend on the file's text alone (``Traits.compared_with_base``: bandit, semgrep,
pylint; not radon's complexity deltas or facts' call sites, which are about the change), those analyzers run
once more on the pre-image, and each head finding is matched against the base's findings:

1. same tool, same rule, same enclosing definition (qualified name, "" at module level) and the same code once
   identifiers are normalised (``code_key``: names renamed consistently in order of appearance; keywords,
   builtins, attribute names, keyword-argument names, literals and operators kept) — so a rename is not new, but
   a constant argument turned into a variable, or ``verify=True`` turned ``verify=False``, is;
2. a finding still unmatched may match, by the same code, a base finding in a definition the change removed or
   renamed (code moved out of a deleted def, renamed on the way).

Copies are counted (a multiset): the head findings outside the added lines take their base copies first, so a
change that adds a second copy of a flagged call in the same function still gets that copy reported.

The base run reads the pre-image the Source read from git (or rebuilt from the patch), writes it to a scratch
tree of its own and runs the same adapters with the same options and cache as the head (nothing from the
reviewed tree runs or configures a tool). An analyzer that fails on the base costs only this check: its findings
are reported as they would have been, with a note. Nothing is cut here; ``filtering.select`` counts the cut
(``pre-existing``) and the pipeline lists each in the report's rejected comments with the reason.
"""

from __future__ import annotations

import builtins
import keyword
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reviewbot.analyzers._source import ast_defs, parse_python, symbol_finder
from reviewbot.models import DiffPosition, Evidence, Finding, SourceFile, Status, line_span

# Run the named analyzers on the pre-images (written under the scratch dir as ``SourceFile.text``).
RunBase = Callable[[Sequence[SourceFile], Path, frozenset[str]], Evidence]


@dataclass(frozen=True)
class BaseAnalysis:
    """How the review analyzes the base version: which analyzers can be compared with it, and how to run them."""

    tools: frozenset[str]
    run: RunBase


@dataclass(frozen=True)
class Prior:
    """What the check found: the indices (into the placed findings) the base already had, why, and notes."""

    at: frozenset[int] = frozenset()
    why: dict[int, str] = field(default_factory=dict)  # index -> the reason shown with the rejected comment
    notes: tuple[str, ...] = ()
    checked: int = 0  # findings on added lines looked up in the base


_TOKEN = re.compile(
    r"""(?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))"""
    r"""|(?P<comment>\#[^\r\n]*)"""
    r"""|(?P<name>[^\W\d]\w*)"""
    r"""|(?P<number>\d[\w.]*)"""
    r"""|(?P<op>[^\s\w])"""
)
_LITERAL_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


def code_key(code: str) -> tuple[str, ...]:
    """``code`` as tokens with its identifiers normalised: each other name becomes ``$n`` by order of first
    appearance (so ``a = f(a)`` and ``b = f(b)`` are equal, ``a = f(b)`` is not). Kept as written: keywords and
    builtins, names after a ``.`` (an API's attribute), keyword-argument names inside brackets (``verify=``),
    strings, numbers and operators. Comments and whitespace are dropped."""
    tokens = [(m.lastgroup or "", m.group()) for m in _TOKEN.finditer(code)]
    tokens = [t for t in tokens if t[0] != "comment"]
    out: list[str] = []
    names: dict[str, str] = {}
    depth = 0
    for i, (kind, text) in enumerate(tokens):
        if kind == "op":
            depth += text in _OPEN
            depth -= text in _CLOSE and depth > 0
        if kind != "name" or text in _LITERAL_NAMES:
            out.append(text)
            continue
        after_dot = i > 0 and tokens[i - 1][1] == "."
        nxt = [t for _, t in tokens[i + 1 : i + 3]]
        keyword_arg = depth > 0 and nxt[:1] == ["="] and nxt[1:2] != ["="]
        if after_dot or keyword_arg:
            out.append(text)
        else:
            out.append(names.setdefault(text, f"${len(names)}"))
    return tuple(out)


def _shape(code: str) -> str:
    """``code``'s tokens with every name but keywords and builtins blanked, joined: what ``code_key`` keeps of it
    whatever the context, so two spans with equal keys have equal shapes (a quick necessary condition)."""
    out = []
    for m in _TOKEN.finditer(code):
        kind, text = m.lastgroup, m.group()
        if kind == "comment":
            continue
        out.append("$" if kind == "name" and text not in _LITERAL_NAMES else text)
    return "\x00" + "\x00".join(out) + "\x00"


def _defs(text: str) -> list[tuple[str, int, int, int, bool]]:
    tree = parse_python(text)
    return [] if isinstance(tree, SyntaxError) else ast_defs(tree)


def wanted(
    findings: Sequence[Finding], files: Sequence[SourceFile], tools: Collection[str], skip: Collection[int] = ()
) -> dict[str, list[int]]:
    """The findings worth a look in the base, by path: on added lines, not already cut, from a compared analyzer,
    in a file the base has, on code whose shape (names blanked) the base has somewhere."""
    by_path = {sf.path: sf for sf in files if sf.before is not None}
    shapes: dict[str, str] = {}
    out: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        sf = by_path.get(f.path)
        if i in skip or f.position is not DiffPosition.ADDED or f.tool not in tools or sf is None:
            continue
        if sf.path not in shapes:
            shapes[sf.path] = _shape(sf.before or "")
        if _shape(line_span(sf.text, f.line, f.end_line)) not in shapes[sf.path]:
            continue  # the base has no such code anywhere: the finding is new without asking a tool
        out.setdefault(f.path, []).append(i)
    return out


def base_file(sf: SourceFile, scopes: Collection[str], head_names: Collection[str]) -> SourceFile:
    """The pre-image of ``sf`` as a file to analyze, under the head's path (so findings come back under it). Its
    "added" lines mark the definitions to look at fully (semgrep leaves the others' bodies out when the review
    reports on hunks, ``analyzers/_focus.py``): those named in ``scopes``, and those the change removed or renamed
    (not among ``head_names``, the definitions of the head version)."""
    before = sf.before or ""
    marks = {start for name, start, _end, _line, _cls in _defs(before) if name in scopes or name not in head_names}
    return SourceFile(path=sf.path, text=before, added_lines=frozenset(marks))


def check(
    findings: Sequence[Finding],
    files: Sequence[SourceFile],
    base: BaseAnalysis,
    *,
    skip: Collection[int] = (),
) -> Prior:
    """Which of the placed ``findings`` on added lines the base version already had (see the module docstring).
    Runs ``base`` only for the files and analyzers that need it; never raises for the base analysis failing."""
    todo = wanted(findings, files, base.tools, skip)
    if not todo:
        return Prior()
    by_path = {sf.path: sf for sf in files}
    heads = {p: symbol_finder(by_path[p].text) for p in todo}
    head_names = {p: {name for name, *_ in _defs(by_path[p].text)} for p in todo}
    base_files = [
        base_file(by_path[p], {heads[p](findings[i].line) for i in idx}, head_names[p]) for p, idx in todo.items()
    ]
    tools = frozenset(findings[i].tool for idx in todo.values() for i in idx)
    checked = sum(len(idx) for idx in todo.values())
    try:
        with tempfile.TemporaryDirectory(prefix="reviewbot-base-") as tmp:
            workdir = Path(tmp) / "tree"
            for bf in base_files:
                target = workdir / bf.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(bf.text, encoding="utf-8", newline="")
            evidence = base.run(base_files, workdir, tools)
    except Exception as exc:  # noqa: BLE001 - the check is an extra: without it the findings are reported as before
        return Prior(notes=(f"pre-existing check skipped: the base version could not be analyzed ({exc})",),
                     checked=checked)
    ok = {s.name for s in evidence.statuses if s.status is Status.OK}
    notes = tuple(
        f"pre-existing check: {s.name} failed on the base version ({s.message or s.status.value}); its findings on "
        "changed lines are reported as new"
        for s in evidence.statuses if s.name in tools and s.status is not Status.OK
    )
    at: dict[int, str] = {}
    for path, idx in todo.items():
        sf = by_path[path]
        head_all = [i for i, f in enumerate(findings) if f.path == path and f.tool in ok]
        prior = [f for f in evidence.findings if f.path == path and f.tool in ok]
        at.update(_match(findings, head_all, set(idx) - set(skip), prior, sf, heads[path], head_names[path]))
    return Prior(frozenset(at), at, notes, checked)


def _scoped(scope: str, key: tuple[str, str, tuple[str, ...]]) -> tuple[str, str, str, tuple[str, ...]]:
    return scope, key[0], key[1], key[2]


def _match(
    findings: Sequence[Finding],
    head_all: Sequence[int],
    targets: set[int],
    prior: Sequence[Finding],
    sf: SourceFile,
    head_scope: Callable[[int], str],
    head_names: Collection[str],
) -> dict[int, str]:
    """Of ``targets`` (indices of findings on added lines), those a base copy in ``prior`` accounts for, each with
    its reason. Every head finding in ``head_all`` takes part in the count, those outside the added lines first;
    ``head_names``: the head version's definitions (a base scope not among them was removed or renamed)."""
    before = sf.before or ""
    base_scope = symbol_finder(before)

    def head_key(f: Finding) -> tuple[str, str, tuple[str, ...]]:
        return f.tool, f.rule_id, code_key(line_span(sf.text, f.line, f.end_line))

    left: Counter[tuple[str, str, str, tuple[str, ...]]] = Counter()
    moved: Counter[tuple[str, str, tuple[str, ...]]] = Counter()  # copies in defs the change removed or renamed
    for b in prior:
        scope = base_scope(b.line)
        key = (b.tool, b.rule_id, code_key(line_span(before, b.line, b.end_line)))
        left[_scoped(scope, key)] += 1
        if scope and scope not in head_names:
            moved[key] += 1
    out: dict[int, str] = {}
    unmatched: list[int] = []
    for i in sorted(head_all, key=lambda i: (findings[i].position is DiffPosition.ADDED, findings[i].line)):
        f = findings[i]
        scope = head_scope(f.line)
        key = head_key(f)
        if left[_scoped(scope, key)] > 0:
            left[_scoped(scope, key)] -= 1
            if i in targets:
                where = f"in {scope}()" if scope else "at module level"
                out[i] = (f"pre-existing: the base version has the same {f.origin} finding {where} on the same code "
                          "(names aside); this change did not introduce it")
        elif i in targets:
            unmatched.append(i)
    for i in unmatched:
        key = head_key(findings[i])
        if moved[key] > 0:
            moved[key] -= 1
            out[i] = (f"pre-existing: the base version has the same {findings[i].origin} finding on the same code "
                      "(names aside) in a definition this change removed or renamed; the code moved here")
    return out
