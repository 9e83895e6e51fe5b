"""Constant conditions: ``7 * 18 > 100`` folded to ``True``, the way a benchmark's dead branches are written."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

_BIN: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_CMP: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}

def constant(node: ast.expr) -> object:
    """The value of a condition made of number/string literals and arithmetic (``7 * 18 > 100``), else ``None``."""
    try:
        return _fold(node)
    except (ValueError, TypeError, ArithmeticError, KeyError, RecursionError):
        return None


def _fold(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        left, right = _fold(node.left), _fold(node.right)
        if isinstance(left, str) or isinstance(right, str):
            raise ValueError("no string arithmetic")
        return _BIN[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        value = _fold(node.operand)
        return not value if isinstance(node.op, ast.Not) else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.Compare) and all(type(op) in _CMP for op in node.ops):
        left = _fold(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = _fold(right_node)
            if not _CMP[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        values = [_fold(v) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    raise ValueError("not constant")
