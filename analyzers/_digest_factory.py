"""SHA-1 digest factories: a function that only returns ``hashlib.sha1(data)`` and is handed on by name.

bandit's B324 (and B303) flag every ``hashlib.sha1(...)`` call as "weak SHA1 hash for security". A function whose
body is just ``return hashlib.sha1(string)`` and that the module passes on as a value (``digest_method =
staticmethod(_lazy_sha1)``, ``hmac.new(key, msg, digestmod=_sha1)``) is a *digest constructor*: it is what HMAC and
signers (itsdangerous, Flask's session cookies) take as their hash, and HMAC-SHA1 is not weakened by SHA-1's
collisions. What the constructor is used for is decided where it is passed, not in the factory, so the finding in the
factory is not reported. A factory that the module only calls (``_sha1(password)``) stays flagged, as do MD4/MD5.
"""

from __future__ import annotations

import ast

from reviewbot.analyzers import _source

RULES = frozenset({"B303", "B324"})
_SHA1 = frozenset({"sha1", "SHA1"})


def _is_sha1_call(node: ast.expr | None) -> bool:
    """``hashlib.sha1(...)``, ``sha1(...)``, ``hashlib.new("sha1", ...)``."""
    if not isinstance(node, ast.Call):
        return False
    name = _source.last_name(node.func)
    if name in _SHA1:
        return True
    if name == "new" and node.args and isinstance(node.args[0], ast.Constant):
        return str(node.args[0].value).lower().replace("-", "") == "sha1"
    return False


def _factory_return(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Return | None:
    """The ``return`` of a function whose body (after a docstring) is only ``return <sha1 call>``."""
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) == 1 and isinstance(body[0], ast.Return) and _is_sha1_call(body[0].value):
        return body[0]
    return None


def _passed_on(tree: ast.Module, name: str) -> bool:
    """``name`` is used as a value somewhere (an argument, an assignment), not only called."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and id(n) not in called
               for n in ast.walk(tree))


def factory_lines(text: str) -> set[int]:
    """The lines of the SHA-1 call in each digest factory the module hands on."""
    tree = _source.parse_python(text)
    if isinstance(tree, SyntaxError):
        return set()
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            ret = _factory_return(node)
            if ret is not None and _passed_on(tree, node.name):
                out.update(range(ret.lineno, (ret.end_lineno or ret.lineno) + 1))
    return out
