"""Discriminator bench: harvests real functions from the stdlib and installed packages; reads their files only."""

from __future__ import annotations

import ast
import random
import re
import sysconfig
import textwrap
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)


class Function:
    module: str  # file it came from (relative to its root)
    name: str
    header: str  # the module's one-line top-level imports, and an import of the module's names the function uses
    source: str  # the function, dedented


def _roots() -> list[tuple[str, Path]]:
    std = Path(sysconfig.get_paths()["stdlib"])
    pure = Path(sysconfig.get_paths()["purelib"])
    roots = [("stdlib", std)]
    for pkg in ("httpx", "jinja2", "click", "rich", "yaml", "astroid", "pygments", "markdown_it", "idna"):
        if (pure / pkg).is_dir():
            roots.append((pkg, pure / pkg))
    return roots


_SKIP_DIRS = re.compile(r"(^|/)(test|tests|idlelib|lib2to3|turtledemo|ensurepip|site-packages|__pycache__|_vendor)(/|$)")


def _files() -> list[tuple[str, Path]]:
    out: list[tuple[str, Path]] = []
    for label, root in _roots():
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if _SKIP_DIRS.search(rel) or (label == "stdlib" and "/" in rel and not rel.startswith(("asyncio/",
                                                                                                  "json/",
                                                                                                  "email/",
                                                                                                  "http/",
                                                                                                  "importlib/",
                                                                                                  "logging/",
                                                                                                  "xml/etree/",
                                                                                                  "urllib/"))):
                continue
            out.append((f"{label}/{rel}", path))
    return out


def parse(text: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError):
            return None


def harvest(rng: random.Random, limit_files: int = 1500) -> list[Function]:
    files = _files()
    rng.shuffle(files)
    out: list[Function] = []
    for label, path in files[:limit_files]:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not text.isascii():
            continue
        tree = parse(text)
        if tree is None:
            continue
        lines = text.splitlines()
        imports = [
            ast.get_source_segment(text, n) or ""
            for n in tree.body
            if isinstance(n, (ast.Import, ast.ImportFrom)) and n.lineno == n.end_lineno
        ]
        header = "\n".join(dict.fromkeys(i for i in imports if i))
        header_names = _top_level_names(ast.parse(header).body)
        module_names = _top_level_names(tree.body)
        defs: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs.append(node)
            elif isinstance(node, ast.ClassDef):
                defs += [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for fn in defs:
            start = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
            end = fn.end_lineno or fn.lineno
            if not 5 <= end - start + 1 <= 45:
                continue
            src = textwrap.dedent("\n".join(lines[start - 1 : end])) + "\n"
            if parse(src) is None:
                continue
            # The module's other top-level names the function uses (its classes, helpers, constants, names from
            # multi-line imports) are imported from the module itself, as they are bound in the real file:
            # otherwise the original line, and so the true fix, would reference an undefined name.
            local, used = func_names(fn)
            needed = sorted((used & module_names) - local - header_names - {fn.name})
            imported = f"from {_module_name(label)} import {', '.join(needed)}" if needed else ""
            out.append(Function(label, fn.name, "\n".join(h for h in (header, imported) if h), src))
    return out


def _top_level_names(body: Sequence[ast.stmt]) -> set[str]:
    """Names a module binds at top level: definitions, assignments and imports, also under top-level if/try."""
    out: set[str] = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.If, ast.Try)):
            handlers = [h.body for h in node.handlers] if isinstance(node, ast.Try) else []
            final = node.finalbody if isinstance(node, ast.Try) else []
            for block in (node.body, node.orelse, final, *handlers):
                out |= _top_level_names(block)
    return out


def _module_name(module: str) -> str:
    """``stdlib/json/decoder.py`` -> ``json.decoder``; ``httpx/_api.py`` -> ``httpx._api`` (see ``_files``)."""
    parts = module.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts[1:] if parts[0] == "stdlib" else parts)


def func_names(func: ast.AST) -> tuple[set[str], set[str]]:
    """(parameters and assigned locals, every name used anywhere)."""
    defined: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.Name):
            used.add(node.id)
            if isinstance(node.ctx, ast.Store):
                defined.add(node.id)
    return defined, used
