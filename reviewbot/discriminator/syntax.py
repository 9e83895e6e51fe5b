"""Step 2, *parses*: libcst and the running interpreter's ``ast`` must both accept the patched file.

A parser that already rejects the unpatched file (``ast`` on syntax newer than the running Python) is not held
against the fix. The normalised syntax tree computed here (no positions, no comments, no formatting) also serves
the no-op check and the consensus clusters.
"""

from __future__ import annotations

import ast
import hashlib
import warnings
from dataclasses import dataclass


@dataclass(frozen=True)
class ParseResult:
    ok: bool
    message: str  # "" when ok; else which parser failed where
    tree_hash: str = ""  # hash of the normalised ast; "" when ast could not parse it


def _ast(text: str) -> ast.Module | SyntaxError:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences warn; tests turn warnings into errors
        try:
            return ast.parse(text)
        except SyntaxError as exc:
            return exc
        except (ValueError, RecursionError, MemoryError) as exc:
            err = SyntaxError(str(exc) or type(exc).__name__)
            err.lineno = 1
            return err


def _libcst_error(text: str) -> str | None:
    import libcst as cst

    try:
        cst.parse_module(text)
    except Exception as exc:  # noqa: BLE001 - ParserSyntaxError, but also RecursionError, ValueError
        first = str(exc).strip().splitlines()
        return first[0] if first else type(exc).__name__
    return None


def tree_hash(tree: ast.AST) -> str:
    """Hash of the syntax tree without positions: equal for texts that differ only in layout and comments."""
    return hashlib.sha256(ast.dump(tree, annotate_fields=False, include_attributes=False).encode()).hexdigest()[:20]


def text_hash(text: str) -> str:
    """``tree_hash`` of a text, or "" when the running interpreter cannot parse it."""
    tree = _ast(text)
    return "" if isinstance(tree, SyntaxError) else tree_hash(tree)


def top_level_starts(tree: ast.Module) -> tuple[int, ...]:
    """The first lines of the module's top-level statements (decorators included) that begin a line."""
    starts: list[int] = []
    for node in tree.body:
        if node.col_offset == 0:
            decorators = getattr(node, "decorator_list", ())
            starts.append(min([node.lineno, *(d.lineno for d in decorators)]))
    return tuple(starts)


class Parser:
    """Parse checks for patched variants of one original text (the original is parsed once)."""

    def __init__(self, original: str) -> None:
        tree = _ast(original)
        self.ast_ok = not isinstance(tree, SyntaxError)
        self.original_hash = tree_hash(tree) if not isinstance(tree, SyntaxError) else ""
        self.top_level_starts = () if isinstance(tree, SyntaxError) else top_level_starts(tree)
        self.libcst_ok = _libcst_error(original) is None

    def check(self, patched: str) -> ParseResult:
        problems: list[str] = []
        if self.libcst_ok:
            err = _libcst_error(patched)
            if err is not None:
                problems.append(f"libcst: {err}")
        tree = _ast(patched)
        digest = ""
        if isinstance(tree, SyntaxError):
            if self.ast_ok:
                where = f" line {tree.lineno}" if tree.lineno else ""
                problems.append(f"ast:{where} {tree.msg}")
        else:
            digest = tree_hash(tree)
        if problems:
            return ParseResult(False, "; ".join(problems), digest)
        return ParseResult(True, "", digest)

    def is_noop(self, result: ParseResult) -> bool:
        """The patched text has the same syntax tree as the original (only layout or comments changed)."""
        return bool(result.tree_hash) and result.tree_hash == self.original_hash
