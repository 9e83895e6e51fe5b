"""Describes one def before and after in short sentences (signature, returns, raises, calls, reads); pure libcst."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import BuiltinScope, FunctionScope, GlobalScope

from reviewbot.analyzers import _defs as D
from reviewbot.analyzers._defs import Def, Parsed
from reviewbot.analyzers._signatures import code, describe_change, signature, signature_text
from reviewbot.analyzers.base import SourceFile
from reviewbot.models import Fact


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
        bases = ", ".join(code(a) for a in (*node.bases, *node.keywords))
        return f"class {node.name.value}" + (f"({bases})" if bases else "")
    text = signature_text(node)  # the header the prompts show, cut: a fact stays short
    return text if len(text) <= 400 else text[:397] + "..."


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
        self.returns.append(code(node.value, 60) if node.value is not None else "None")

    def visit_Yield(self, node: cst.Yield) -> None:
        self.yields = True

    def visit_Raise(self, node: cst.Raise) -> None:
        if node.exc is None:
            self.raises.append("re-raise")
        elif isinstance(node.exc, cst.Call):
            self.raises.append(code(node.exc.func, 50))
        else:
            self.raises.append(code(node.exc, 50))

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
            self.calls.append(code(node.func, 50))
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
            self.assigns.append(code(node, 50))
        elif isinstance(node, cst.Subscript):
            self.assigns.append(code(node.value, 40) + "[...]")

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
    for access in sorted(scope.accesses, key=lambda a: code(a.node)):
        name = code(access.node)
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


def _describe(d: Def, p: Parsed, max_items: int) -> dict[str, str]:
    """kind -> text for one def in one image."""
    node = d.node
    out: dict[str, str] = {"signature": _signature_text(node)}
    decos = D.decorator_names(node)
    if decos:
        out["decorators"] = _listing([f"@{x}" for x in decos], max_items)
    out["docstring"] = "has a docstring" if node.get_docstring() is not None else "no docstring"
    if isinstance(node, cst.ClassDef):
        return out
    body = _Body(node, p)
    node.visit(body)
    if body.yields:
        out["returns"] = "generator (yields)" + (f"; returns {_listing(body.returns, 4)}" if body.returns else "")
    elif body.returns:
        out["returns"] = "returns " + _listing(body.returns, max_items // 2 or 1)
    else:
        out["returns"] = "no return statement (returns None)"
    if body.raises:
        out["raises"] = "raises " + _listing(body.raises, max_items)
    if body.calls:
        out["calls"] = "calls " + _listing(body.calls, max_items)
    if body.assigns:
        out["assigns"] = "assigns " + _listing(body.assigns, max_items)
    reads = _reads(node, p, max_items)
    if reads:
        out["reads"] = "reads " + reads
    return out


def def_facts(
    sf: SourceFile, old: Def | None, new: Def | None, before: Parsed | None, after: Parsed, max_items: int
) -> list[Fact]:
    """The Facts for one touched def: what changed, and its description after (and before, where it differs)."""
    out: list[Fact] = []
    after_desc = _describe(new, after, max_items) if new is not None else {}
    before_desc = _describe(old, before, max_items) if old is not None and before is not None else {}
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
            what = describe_change(signature(old.node), signature(new.node))
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
