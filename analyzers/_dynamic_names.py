"""Modules that bind global names at run time, where pylint's undefined-variable cannot be trusted.

``vars().update(keywords)`` at module level (pyparsing's SQL example defines ``SELECT``, ``FROM``, ... this way),
``globals().update(...)``, ``globals()[name] = ...``, ``setattr(sys.modules[__name__], ...)`` or a module-level
``exec(...)`` create names that no statement binds: pylint reports every use of them as an undefined variable, an
error. In such a module an undefined name is as likely injected as misspelt, so the adapter does not report
``undefined-variable`` / ``undefined-all-variable`` there and says so in a note.
"""

from __future__ import annotations

import ast

from reviewbot.analyzers import _source

UNKNOWABLE = frozenset({"undefined-variable", "undefined-all-variable"})  # E0602, E0603
_NAMESPACE_CALLS = frozenset({"globals", "vars", "locals"})
_WRITES = frozenset({"update", "setdefault", "__setitem__"})


def _namespace_call(node: ast.AST, names: frozenset[str] = _NAMESPACE_CALLS) -> bool:
    """``globals()`` / ``vars()`` / ``locals()`` with no argument."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
            and not node.args and not node.keywords)


def _this_module(node: ast.AST) -> bool:
    """``sys.modules[__name__]``."""
    return (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name) and node.slice.id == "__name__"
            and isinstance(node.value, ast.Attribute) and node.value.attr == "modules")


def _module_level(tree: ast.Module) -> list[ast.AST]:
    """The nodes of the module's own statements (not inside a def or a class: there ``vars()`` is not globals)."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def binds_names_at_run_time(text: str) -> str | None:
    """How the module binds global names at run time (the first way found, e.g. ``vars().update(...)``), or None."""
    tree = _source.parse_python(text)
    if isinstance(tree, SyntaxError):
        return None
    for node in ast.walk(tree):  # globals() is the module's namespace wherever it is called
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _WRITES:
            if _namespace_call(node.func.value, frozenset({"globals"})):
                return f"globals().{node.func.attr}(...)"
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Subscript) and _namespace_call(t.value, frozenset({"globals"})):
                    return "globals()[...] = ..."
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "setattr" and node.args and _this_module(node.args[0]):
                return "setattr(sys.modules[__name__], ...)"
            if node.func.id == "exec" and len(node.args) >= 2 and _namespace_call(node.args[1], frozenset({"globals"})):
                return "exec(..., globals())"
    for node in _module_level(tree):  # vars() and locals() are the globals only at module level
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _WRITES and _namespace_call(func.value):
            namespace = func.value.func.id if isinstance(func.value, ast.Call) and isinstance(
                func.value.func, ast.Name) else "vars"
            return f"{namespace}().{func.attr}(...)"
        if isinstance(func, ast.Name) and func.id == "exec" and len(node.args) < 2 and not node.keywords:
            return "exec(...)"
    return None
