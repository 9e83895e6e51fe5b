"""Pickle round trips: ``pickle.loads(pickle.dumps(obj))`` deserializes what the line itself just serialized.

bandit's B301 flags every ``pickle.loads`` / ``dill.loads`` / ... ("can be unsafe when used to deserialize untrusted
data"). The round trip is the common way to test that an object pickles, or to deep-copy one; the bytes never left
the process, so there is no untrusted data. A round trip is a ``loads`` call whose argument is a ``dumps`` call, or
a name that the enclosing function (or module) binds only to ``dumps`` calls (``data = pickle.dumps(x)`` then
``pickle.loads(data)``).
"""

from __future__ import annotations

import ast

from reviewbot.analyzers import _source

RULES = frozenset({"B301"})  # bandit: pickle, cPickle, dill, shelve, jsonpickle, pandas.read_pickle


def _called(node: ast.AST, name: str) -> bool:
    """``node`` is a call of ``name`` (``dumps(...)``, ``pickle.dumps(...)``, ``dill.dumps(...)``)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == name) or (isinstance(func, ast.Name) and func.id == name)


def _scopes(tree: ast.Module) -> list[ast.AST]:
    return [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))]


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of ``scope`` that are not inside a nested function."""
    out: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _dumped_names(nodes: list[ast.AST]) -> set[str]:
    """Names bound exactly once in ``nodes``, by ``name = <...>.dumps(...)``."""
    stores: dict[str, int] = {}
    for node in nodes:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    return {
        node.targets[0].id
        for node in nodes
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        and _called(node.value, "dumps") and stores.get(node.targets[0].id) == 1
    }


def round_trip_lines(text: str) -> set[int]:
    """The lines holding a ``loads`` call that only deserializes what the code just serialized."""
    tree = _source.parse_python(text)
    if isinstance(tree, SyntaxError):
        return set()
    lines: set[int] = set()
    for scope in _scopes(tree):
        nodes = _own_nodes(scope)
        params: set[str] = set()
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            params = {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)}
        dumped = _dumped_names(nodes) - params
        for node in nodes:
            if not (_called(node, "loads") and isinstance(node, ast.Call) and len(node.args) >= 1):
                continue
            arg = node.args[0]
            if _called(arg, "dumps") or (isinstance(arg, ast.Name) and arg.id in dumped):
                lines.add(node.lineno)
    return lines
