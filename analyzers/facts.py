"""facts: what the change did to each function and class, in short sentences for the prompts (libcst).

For every def the diff touched (new, removed, or its text or added lines changed), before and after: signature,
decorators, return expressions, raised exceptions, calls made, names assigned and read, docstring presence. Before
facts are given only where they differ from after. A changed signature also yields the call sites elsewhere in the
repository that still use the old form: a ``signature-change-caller`` Finding each, plus Facts. With
``descriptions`` off (no LLM to read them) only the findings are computed: an added file that the interpreter
parses is then not even parsed by libcst unless the call-site search needs it.

Measured: libcst resolves about 600 lines/s with scope and qualified-name metadata (7.6x slower than ``ast`` even to
parse), so metadata is computed for the changed files only (and not at all for files over ``metadata_max_lines``),
and other files are found with ``git grep -w`` and parsed without metadata. The repository scan is bounded by
files, bytes and seconds, and a note says when it was cut. libcst parses any Python 3 grammar, whatever the
running interpreter, so facts work on syntax bandit and pylint cannot read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import ClassVar

import libcst as cst
from libcst.metadata import (
    BuiltinScope,
    FunctionScope,
    GlobalScope,
)
from pydantic import Field
from reviewbot.analyzers import _callsites as cs
from reviewbot.analyzers import _changes, _repo, _signatures, _source
from reviewbot.analyzers import _defs as D
from reviewbot.analyzers._defs import Def, Parsed
from reviewbot.analyzers._scan import find_callers, mentions, search_names
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult, Confidence, Fact, Finding, Severity, finding_fingerprint

RULE = "signature-change-caller"
_SCHEMA = "2"  # bump when the facts produced for the same input change


class FactsOptions(BaseOptions):
    """``[tool.reviewbot.facts]``."""

    timeout: float = 180.0  # seconds per batch: large diffs need more than the base default
    max_items: int = Field(default=12, ge=1)  # names listed per fact before "and N more"
    call_sites: bool = True  # search the repository for callers of changed signatures
    scan_max_files: int = Field(default=400, ge=0)
    scan_max_bytes: int = Field(default=40_000_000, ge=0)
    scan_max_file_bytes: int = Field(default=1_000_000, ge=1)
    scan_seconds: float = Field(default=30.0, gt=0)
    metadata_max_lines: int = Field(default=20000, ge=0)  # touched lines, in all files, that get scope metadata
    # Facts describing the touched defs, for the LLM reviewer's prompts; nothing else reads them, so a review with
    # no LLM configured turns this off and gets only the findings (stale callers of changed signatures, syntax
    # errors) at a fraction of the cost.
    descriptions: bool = True


@dataclass(frozen=True)
class Change:
    """A def whose signature changed, and what its callers must now do."""

    path: str
    defn: Def
    old: cs.Signature
    new: cs.Signature
    what: tuple[str, ...]


class Facts:
    name: ClassVar[str] = "facts"
    Options: ClassVar[type[FactsOptions]] = FactsOptions
    per_file: ClassVar[bool] = False  # call sites depend on the whole repository

    def version(self) -> str:
        return f"facts {_SCHEMA} libcst {metadata.version('libcst')}"

    def cache_key(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> str | None:
        """A key over every input, including the repository state the call-site search reads; None: do not cache."""
        opts = ctx.options if isinstance(ctx.options, FactsOptions) else FactsOptions()
        h = hashlib.sha256()
        for sf in sorted(files, key=lambda f: f.path):
            for part in (sf.path, sf.old_path or "", sf.text, "\0" if sf.before is None else sf.before):
                h.update(part.encode("utf-8", "surrogatepass") + b"\0")
            h.update(repr((sorted(sf.added_lines), sf.hunks)).encode())
        if opts.call_sites and ctx.repo_root is not None:
            try:
                state = _repo.state_key(ctx.repo_root, ctx.rev)
            except OSError:
                state = None
            if state is None:
                return None
            h.update(state.encode())
        return h.hexdigest()

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options if isinstance(ctx.options, FactsOptions) else FactsOptions()
        facts: list[Fact] = []
        findings: list[Finding] = []
        notes: list[str] = []
        changes: list[Change] = []
        parsed_after: dict[str, Parsed] = {}
        budget = opts.metadata_max_lines  # lines of touched defs that get scope metadata, over all files
        unresolved: list[str] = []
        deferred: list[SourceFile] = []  # parsed only if the call-site search needs them
        for sf in files:
            if not opts.descriptions and sf.before is None:
                if not isinstance(_source.parse_python(sf.text), SyntaxError):
                    deferred.append(sf)  # no pre-image to compare with and nothing to describe
                    continue
            if not opts.descriptions and _signatures.unchanged(sf):
                deferred.append(sf)  # no signature can have changed (ast says): libcst only if callers are searched
                continue
            after = D.parse(sf.path, sf.text)
            if isinstance(after, str):
                note, finding = _unparsable(sf, after)
                notes.append(note)
                if finding is not None:
                    findings.append(finding)
                continue
            parsed_after[sf.path] = after
            before: Parsed | None = None
            if sf.before is not None:
                got = D.parse(sf.old_path or sf.path, sf.before)
                if isinstance(got, str):
                    notes.append(f"{sf.old_path or sf.path}: the pre-image does not parse ({got}); facts show after only")
                else:
                    before = got
            new_defs = D.defs(after)
            old_defs = D.defs(before) if before is not None else []
            if sf.before is not None and before is None:
                sf = SourceFile(sf.path, sf.text, None, sf.old_path, sf.added_lines, sf.hunks)
            spans = _changes.touched(sf, [d.span for d in new_defs], [d.span for d in old_defs])
            new_by_span = {d.span: d for d in new_defs}
            old_by_span = {d.span: d for d in old_defs}
            pairs = [(old_by_span.get(o) if o else None, new_by_span.get(n) if n else None) for o, n in spans]
            touched_new = [n for _, n in pairs if n is not None]
            touched_old = [o for o, _ in pairs if o is not None]
            size = sum(d.span.end_line - d.span.line + 1 for d in (*touched_new, *touched_old) if not d.span.holes)
            if not opts.descriptions:
                pass  # no names-read facts to resolve
            elif size <= budget:
                budget -= size
                D.resolve_scopes(after, touched_new, new_defs)
                if before is not None:
                    D.resolve_scopes(before, touched_old, old_defs)
            elif touched_new or touched_old:
                unresolved.append(sf.path)
            for old, new in pairs:
                if opts.descriptions:
                    facts += _def_facts(sf, old, new, before, after, opts)
                if (
                    old is not None
                    and new is not None
                    and isinstance(old.node, cst.FunctionDef)
                    and isinstance(new.node, cst.FunctionDef)
                ):
                    old_sig, new_sig = cs.signature(old.node), cs.signature(new.node)
                    what = cs.describe_change(old_sig, new_sig)
                    if what:
                        changes.append(Change(sf.path, new, old_sig, new_sig, tuple(what)))
        if unresolved:
            shown = ", ".join(unresolved[:3]) + (f" and {len(unresolved) - 3} more" if len(unresolved) > 3 else "")
            notes.append(
                f"facts without names read or qualified calls for {shown}: the change touches more than "
                f"metadata_max_lines={opts.metadata_max_lines} lines of functions"
            )
        if changes and opts.call_sites:
            names = set(search_names(changes))
            for sf in deferred:
                if not mentions(sf.text, names):
                    continue  # the call-site search reads only files that mention a changed name
                got = D.parse(sf.path, sf.text)
                if not isinstance(got, str):
                    parsed_after[sf.path] = got
            more_facts, more_findings, more_notes = find_callers(changes, files, parsed_after, ctx, opts)
            facts += more_facts
            findings += more_findings
            notes += more_notes
        return AnalyzerResult(findings=tuple(findings), facts=tuple(facts), notes=tuple(notes))


def _unparsable(sf: SourceFile, why: str) -> tuple[str, Finding | None]:
    """A file libcst cannot parse. When the interpreter cannot either, the change has a syntax error: a Finding."""
    err = _source.parse_python(sf.text)
    if not isinstance(err, SyntaxError):
        return f"{sf.path}: libcst could not parse it ({why}); no facts", None
    line = max(1, err.lineno or 1)
    finding = Finding(
        tool="facts",
        rule_id="syntax-error",
        path=sf.path,
        line=line,
        end_line=line,
        severity=Severity.ERROR,
        confidence=Confidence.HIGH,
        message=f"syntax error: {err.msg}",
        fingerprint=finding_fingerprint("facts", "syntax-error", sf.path, _source.code_at(sf.text, line, line)),
        column=max(0, (err.offset or 1) - 1),
    )
    return f"{sf.path}: syntax error at line {line}: {err.msg}; no facts", finding


# --- facts about one def --------------------------------------------------------------------------------------


def _listing(items: Sequence[str], limit: int) -> str:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    if len(seen) > limit:
        return ", ".join(seen[:limit]) + f" and {len(seen) - limit} more"
    return ", ".join(seen)


def _signature_text(node: cst.FunctionDef | cst.ClassDef) -> str:
    if isinstance(node, cst.ClassDef):
        bases = ", ".join(cs.code(a) for a in (*node.bases, *node.keywords))
        return f"class {node.name.value}" + (f"({bases})" if bases else "")
    prefix = "async def" if node.asynchronous else "def"
    returns = f" -> {cs.code(node.returns.annotation)}" if node.returns else ""
    return f"{prefix} {node.name.value}({cs.code(node.params, 400)}){returns}"


def _unlazy(value: object) -> object:
    """Qualified names are computed lazily (libcst's LazyValue): call to get them."""
    return value() if callable(value) and not isinstance(value, type) else value


class _Body(cst.CSTVisitor):
    """What one function body does, not descending into nested defs and classes (they get facts of their own)."""

    def __init__(self, root: cst.FunctionDef, p: Parsed) -> None:
        self.root = root
        self.p = p
        self.returns: list[str] = []
        self.yields = False
        self.raises: list[str] = []
        self.calls: list[str] = []
        self.assigns: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return node is self.root

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(cs.code(node.value, 60) if node.value is not None else "None")

    def visit_Yield(self, node: cst.Yield) -> None:
        self.yields = True

    def visit_Raise(self, node: cst.Raise) -> None:
        if node.exc is None:
            self.raises.append("re-raise")
        elif isinstance(node.exc, cst.Call):
            self.raises.append(cs.code(node.exc.func, 50))
        else:
            self.raises.append(cs.code(node.exc, 50))

    def visit_Call(self, node: cst.Call) -> None:
        names: object = None
        scope = _unlazy(self.p.scopes.get(node.func)) if self.p.scopes else None
        if scope is not None:
            try:
                names = scope.get_qualified_names_for(node.func)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - libcst cannot name some expressions; the code text will do
                names = None
        best = min((q.name for q in names), key=lambda n: (len(n), n)) if isinstance(names, (set, frozenset)) and names else ""
        if not best or "<locals>" in best:  # a local or a parameter: its own spelling says more
            self.calls.append(cs.code(node.func, 50))
        else:
            self.calls.append(best.removeprefix("builtins."))

    def _targets(self, node: cst.BaseExpression) -> None:
        if isinstance(node, (cst.Tuple, cst.List)):
            for el in node.elements:
                self._targets(el.value)
        elif isinstance(node, cst.StarredElement):
            self._targets(node.value)
        elif isinstance(node, cst.Name):
            self.assigns.append(node.value)
        elif isinstance(node, cst.Attribute):
            self.assigns.append(cs.code(node, 50))
        elif isinstance(node, cst.Subscript):
            self.assigns.append(cs.code(node.value, 40) + "[...]")

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._targets(t.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._targets(node.asname.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target)


def _reads(node: cst.FunctionDef, p: Parsed, limit: int) -> str:
    """Names the body reads, grouped by where they come from (scope metadata), or plainly without it."""
    if not p.scopes or not isinstance(node.body, cst.IndentedBlock) or not node.body.body:
        return ""
    scope = _unlazy(p.scopes.get(node.body.body[0]))
    if not isinstance(scope, FunctionScope):
        return ""
    groups: dict[str, list[str]] = {"params": [], "locals": [], "enclosing": [], "module": [], "builtins": []}
    unresolved: list[str] = []
    param_names = {q.name.value for q in _all_params(node)}
    for access in sorted(scope.accesses, key=lambda a: cs.code(a.node)):
        name = cs.code(access.node)
        if name in ("self", "cls", "None", "True", "False"):
            continue
        where = {type(r.scope) for r in access.referents}
        scopes = {id(r.scope) for r in access.referents}
        if id(scope) in scopes:
            groups["params" if name in param_names else "locals"].append(name)
        elif GlobalScope in where:
            groups["module"].append(name)
        elif BuiltinScope in where:
            groups["builtins"].append(name)
        elif access.referents:
            groups["enclosing"].append(name)
        else:
            unresolved.append(name)
    if unresolved:
        groups["undefined"] = unresolved
    parts = [f"{k} {_listing(v, limit)}" for k, v in groups.items() if v]
    return "; ".join(parts)


def _all_params(node: cst.FunctionDef) -> list[cst.Param]:
    p = node.params
    out = [*p.posonly_params, *p.params, *p.kwonly_params]
    if isinstance(p.star_arg, cst.Param):
        out.append(p.star_arg)
    if p.star_kwarg is not None:
        out.append(p.star_kwarg)
    return out


def _describe(d: Def, p: Parsed, opts: FactsOptions) -> dict[str, str]:
    """kind -> text for one def in one image."""
    node = d.node
    out: dict[str, str] = {"signature": _signature_text(node)}
    decos = D.decorator_names(node)
    if decos:
        out["decorators"] = _listing([f"@{x}" for x in decos], opts.max_items)
    out["docstring"] = "has a docstring" if node.get_docstring() is not None else "no docstring"
    if isinstance(node, cst.ClassDef):
        return out
    body = _Body(node, p)
    node.visit(body)
    if body.yields:
        out["returns"] = "generator (yields)" + (f"; returns {_listing(body.returns, 4)}" if body.returns else "")
    elif body.returns:
        out["returns"] = "returns " + _listing(body.returns, opts.max_items // 2 or 1)
    else:
        out["returns"] = "no return statement (returns None)"
    if body.raises:
        out["raises"] = "raises " + _listing(body.raises, opts.max_items)
    if body.calls:
        out["calls"] = "calls " + _listing(body.calls, opts.max_items)
    if body.assigns:
        out["assigns"] = "assigns " + _listing(body.assigns, opts.max_items)
    reads = _reads(node, p, opts.max_items)
    if reads:
        out["reads"] = "reads " + reads
    return out


def _def_facts(
    sf: SourceFile, old: Def | None, new: Def | None, before: Parsed | None, after: Parsed, opts: FactsOptions
) -> list[Fact]:
    out: list[Fact] = []
    after_desc = _describe(new, after, opts) if new is not None else {}
    before_desc = _describe(old, before, opts) if old is not None and before is not None else {}
    ref = new or old
    assert ref is not None
    label = ref.kind
    if new is None:
        change = f"{label} removed"
    elif old is None:
        change = f"{label} added"
    else:
        what = []
        if isinstance(old.node, cst.FunctionDef) and isinstance(new.node, cst.FunctionDef):
            what = cs.describe_change(cs.signature(old.node), cs.signature(new.node))
        changed_kinds = [k for k in after_desc if before_desc.get(k) != after_desc[k] and k != "signature"]
        change = f"{label} modified"
        if what:
            change += "; signature changed: " + "; ".join(what)
        elif before_desc.get("signature") != after_desc.get("signature"):
            change += "; signature text changed (annotations or formatting)"
        if changed_kinds:
            change += "; differs in " + ", ".join(changed_kinds)
    if new is not None:
        out.append(Fact(sf.path, new.def_line, new.qualname, "change", change, "after", new.span.end_line))
        for kind, text in after_desc.items():
            out.append(Fact(sf.path, new.def_line, new.qualname, kind, text, "after", new.span.end_line))
    old_path = sf.old_path or sf.path
    if old is not None:
        if new is None:
            out.append(Fact(old_path, old.def_line, old.qualname, "change", change, "before", old.span.end_line))
        for kind, text in before_desc.items():
            if after_desc.get(kind) != text:
                out.append(Fact(old_path, old.def_line, old.qualname, kind, text, "before", old.span.end_line))
    return out
