"""Benchmark of the discriminator: does it rank the right fix first, and does it keep wrong fixes off the PR?

    python bench/discriminator.py [--per-class 12] [--seed 7] [--json out.json] [--dump bench/data/discriminator]

The labelled set is generated (fixed seed) from real functions of the running interpreter's standard library and
of installed packages: each function gets one defect from a catalogue (classic logic slips, a security API swap,
the rule pack's `== None` pattern, a mutable default), and each defect gets several candidate fixes: the true fix
(the original line) and plausible wrong ones (a wrong edit, a partial fix, one that introduces a finding, one that
does not parse, a no-op, one that also changes unrelated behaviour). Candidates carry a random self-confidence
(wrong ones sometimes above the true one), and extra samples repeat some candidates (the true one more often,
CodeT's premise) with different layout, so that consensus has something to see; ``--no-duplicates`` removes them.

A candidate is *correct* when its patched file has the same syntax tree as the original file. All candidates of all
defects are judged in one ``Discriminator.judge`` call (one analyzer batch for every variant), then ranked per
defect. Printed: per defect class and overall, top-1 accuracy and mean reciprocal rank of the discriminator, of the
candidates' own confidence order and of a random order, and the share of wrong fixes that would be posted as a
suggestion at the default threshold (per candidate, and per defect after merging: what a PR would show).

Honesty notes (also printed): analyzers see only some defect classes; for the others the discriminator has only
the parse / no-op / size / naturalness / consensus signals, and the consensus signal exists only because of the
sampling model above. The true fix is the original line of a real file, which is written in that file's idiom, so
the naturalness comparison (token pairs found elsewhere in the file) favours it more than it would favour a real
model's right fix over its wrong ones: this generator's wrong edits are cruder than a model's. Run with
``--no-duplicates`` and ``--no-verify`` to see what each part contributes.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import json
import pickle
import random
import re
import statistics
import sys
import sysconfig
import tempfile
import textwrap
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from reviewbot.contracts import DiscriminatorOptions, ReviewInput
from reviewbot.discriminator import scoring
from reviewbot.discriminator.ranking import rank
from reviewbot.discriminator.core import Discriminator
from reviewbot.discriminator.parse import text_hash
from reviewbot.models import (
    AnalyzerStatus,
    Candidate,
    Comment,
    Evidence,
    Finding,
    Fix,
    Metric,
    Severity,
    SourceFile,
)
from reviewbot.static_reviewer import candidate_from

ANALYZERS = ("bandit", "pylint", "radon", "semgrep")
KINDS = ("true", "wrong", "partial", "introduces", "noparse", "noop", "unrelated")

# ---------------------------------------------------------------------------------------------------------------
# Harvesting real functions


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


def _parse(text: str) -> ast.Module | None:
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
        tree = _parse(text)
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
            if _parse(src) is None:
                continue
            # The module's other top-level names the function uses (its classes, helpers, constants, names from
            # multi-line imports) are imported from the module itself, as they are bound in the real file:
            # otherwise the original line, and so the true fix, would reference an undefined name.
            local, used = _names(fn)
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


# ---------------------------------------------------------------------------------------------------------------
# The defect catalogue


@dataclass
class Site:
    """One place to inject a defect: the statement line, its defective form, and class-specific wrong fixes."""

    line: int  # 1-based line in the file
    original: str  # the original line (the true fix), without newline
    defective: str
    variants: dict[str, str] = field(default_factory=dict)  # kind -> replacement text (lines, no final newline)
    header_extra: str = ""  # imports the defective form needs


@dataclass
class Instance:
    id: str
    cls: str
    path: str
    original_text: str  # the file before the defect
    text: str  # the file with the defect
    line: int
    candidates: list[tuple[str, str, float]]  # (kind, replacement lines, self-confidence)
    source: str  # where the function came from


def _line_of(text: str, n: int) -> str:
    return text.splitlines()[n - 1]


_COMPOUND = (ast.If, ast.While, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef,
             ast.AsyncFunctionDef, ast.ClassDef, ast.Match)


def _statement_lines(func: ast.AST) -> dict[int, ast.stmt]:
    """Lines holding a whole simple statement, or the whole header of an if/while (one physical line each)."""
    out: dict[int, ast.stmt] = {}
    for node in ast.walk(func):
        if isinstance(node, (ast.If, ast.While)):
            header = node.test.lineno == node.test.end_lineno == node.lineno
            if header and node.body[0].lineno > node.lineno:
                out[node.lineno] = node
        elif isinstance(node, ast.stmt) and not isinstance(node, _COMPOUND) and node.lineno == node.end_lineno:
            out[node.lineno] = node
    return out


def _splice(line: str, c0: int, c1: int, new: str) -> str:
    return line[:c0] + new + line[c1:]


def _names(func: ast.AST) -> tuple[set[str], set[str]]:
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


_BUILTINS = set(dir(builtins))


def _typo(name: str, taken: set[str], rng: random.Random) -> str | None:
    options = []
    if len(name) > 3:
        options += [name[:i] + name[i + 1 :] for i in range(1, len(name))]
    options += [name + "s", name + "_", name[:1] + name[:1] + name[1:]]
    rng.shuffle(options)
    for o in options:
        if o.isidentifier() and o not in taken and o not in _BUILTINS and not o.startswith("__"):
            return o
    return None


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


Injector = Callable[[ast.AST, str, random.Random], list[Site]]


def inj_none_compare(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    sites = []
    stmts = _statement_lines(func)
    for node in ast.walk(func):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and node.lineno in stmts):
            continue
        comp = node.comparators[0]
        if not (isinstance(comp, ast.Constant) and comp.value is None and isinstance(node.ops[0], (ast.Is, ast.IsNot))):
            continue
        if node.left.end_lineno != node.lineno or comp.lineno != node.lineno:
            continue
        line = _line_of(text, node.lineno)
        c0, c1 = node.left.end_col_offset or 0, comp.col_offset
        is_not = isinstance(node.ops[0], ast.IsNot)
        defective = _splice(line, c0, c1, " != " if is_not else " == ")
        wrong = _splice(line, c0, c1, " is " if is_not else " is not ")
        sites.append(Site(node.lineno, line, defective, {"wrong": wrong}))
    return sites


def inj_mutable_default(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    line = _line_of(text, func.lineno)
    if not line.rstrip().endswith(":") or func.body[0].lineno == func.lineno:
        return []
    args = func.args
    defaults = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
    sites = []
    for d in defaults:
        if isinstance(d, ast.Constant) and d.value is None and d.lineno == func.lineno:
            literal = rng.choice(["[]", "{}"])
            defective = _splice(line, d.col_offset, d.end_col_offset or 0, literal)
            partial = _splice(line, d.col_offset, d.end_col_offset or 0, "list()" if literal == "[]" else "dict()")
            wrong = _splice(line, d.col_offset, d.end_col_offset or 0, "()" if literal == "[]" else '""')
            sites.append(Site(func.lineno, line, defective, {"partial": partial, "wrong": wrong}))
    return sites


def inj_off_by_one(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    sites = []
    stmts = _statement_lines(func)
    for node in ast.walk(func):
        if getattr(node, "lineno", None) not in stmts:
            continue
        line = _line_of(text, node.lineno)  # type: ignore[attr-defined]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "range"
            and 1 <= len(node.args) <= 2
            and node.end_lineno == node.lineno
        ):
            arg = node.args[-1]
            seg = line[arg.col_offset : arg.end_col_offset]
            sign = rng.choice(["-", "+"])
            other = "+" if sign == "-" else "-"
            defective = _splice(line, arg.col_offset, arg.end_col_offset or 0, f"{seg} {sign} 1")
            wrong = _splice(line, arg.col_offset, arg.end_col_offset or 0, f"{seg} {other} 1")
            sites.append(Site(node.lineno, line, defective, {"wrong": wrong}))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and node.end_lineno == node.lineno:
            flips = {ast.Lt: ("<", "<="), ast.LtE: ("<=", "<"), ast.Gt: (">", ">="), ast.GtE: (">=", ">")}
            kind = type(node.ops[0])
            if kind not in flips:
                continue
            old, new = flips[kind]
            c0, c1 = node.left.end_col_offset or 0, node.comparators[0].col_offset
            if line[c0:c1].strip() != old:
                continue
            defective = _splice(line, c0, c1, f" {new} ")
            wrong = _splice(line, c0, c1, " != " if old in ("<", ">") else " == ")
            sites.append(Site(node.lineno, line, defective, {"wrong": wrong}))
    return sites


_FLIP = {ast.Eq: "!=", ast.NotEq: "==", ast.In: "not in", ast.NotIn: "in", ast.Is: "is not", ast.IsNot: "is"}


def _flip_compare(line: str, node: ast.Compare) -> str | None:
    if len(node.ops) != 1 or type(node.ops[0]) not in _FLIP or node.end_lineno != node.lineno:
        return None
    c0, c1 = node.left.end_col_offset or 0, node.comparators[0].col_offset
    return _splice(line, c0, c1, f" {_FLIP[type(node.ops[0])]} ")


def inj_inverted_condition(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    sites = []
    for node in ast.walk(func):
        if not isinstance(node, (ast.If, ast.While)):
            continue
        test = node.test
        if not (test.lineno == test.end_lineno == node.lineno and node.body[0].lineno > node.lineno):
            continue
        line = _line_of(text, node.lineno)
        seg = line[test.col_offset : test.end_col_offset]
        if isinstance(test, ast.Compare) and (flipped := _flip_compare(line, test)) is not None:
            defective = flipped
        elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            defective = _splice(line, test.col_offset, test.end_col_offset or 0,
                                line[test.operand.col_offset : test.operand.end_col_offset])
        elif isinstance(test, (ast.BoolOp, ast.Compare)):
            defective = _splice(line, test.col_offset, test.end_col_offset or 0, f"not ({seg})")
        else:
            defective = _splice(line, test.col_offset, test.end_col_offset or 0, f"not {seg}")
        # A wrong fix: another plausible edit of the condition (flip an inner comparison, swap and/or).
        wrong = None
        inner = [n for n in ast.walk(test) if isinstance(n, ast.Compare) and n is not test]
        if inner:
            # applied to the defective line: the columns of nodes before the defect site are unchanged
            w = _flip_compare(line, inner[0])
            if w is not None and w != line:
                wrong = w
        if wrong is None and isinstance(test, ast.BoolOp):
            op = " and " if isinstance(test.op, ast.And) else " or "
            wrong = line.replace(op, " or " if op == " and " else " and ", 1)
        variants = {"wrong": wrong} if wrong and wrong != line and wrong != defective else {}
        sites.append(Site(node.lineno, line, defective, variants))
    return sites


def inj_wrong_variable(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    defined, _ = _names(func)
    defined.discard("self")
    defined.discard("cls")
    stmts = _statement_lines(func)
    sites = []
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in defined and node.lineno in stmts:
            others = sorted(defined - {node.id})
            if len(others) < 2:
                continue
            a, b = rng.sample(others, 2)
            line = _line_of(text, node.lineno)
            sites.append(
                Site(
                    node.lineno,
                    line,
                    _splice(line, node.col_offset, node.end_col_offset or 0, a),
                    {"wrong": _splice(line, node.col_offset, node.end_col_offset or 0, b)},
                )
            )
    return sites


def inj_undefined_name(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    defined, used = _names(func)
    defined.discard("self")
    taken = defined | used | set(re.findall(r"\w+", text))
    stmts = _statement_lines(func)
    sites = []
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in defined and node.lineno in stmts:
            typo = _typo(node.id, taken, rng)
            typo2 = _typo(node.id, taken | {typo or ""}, rng)
            if typo is None or typo2 is None:
                continue
            line = _line_of(text, node.lineno)
            sites.append(
                Site(
                    node.lineno,
                    line,
                    _splice(line, node.col_offset, node.end_col_offset or 0, typo),
                    {"partial": _splice(line, node.col_offset, node.end_col_offset or 0, typo2)},
                )
            )
    return sites


def inj_missing_await(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    if not isinstance(func, ast.AsyncFunctionDef):
        return []
    stmts = _statement_lines(func)
    sites = []
    for node in ast.walk(func):
        if isinstance(node, ast.Await) and node.lineno in stmts and isinstance(node.value, ast.Call):
            line = _line_of(text, node.lineno)
            call = line[node.value.col_offset : node.value.end_col_offset]
            defective = _splice(line, node.col_offset, node.end_col_offset or 0, call)
            wrong = _splice(line, node.col_offset, node.end_col_offset or 0, f"asyncio.ensure_future({call})")
            sites.append(Site(node.lineno, line, defective, {"wrong": wrong}))
    return sites


def inj_swallowed_exception(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    sites = []
    stmts = _statement_lines(func)
    for node in ast.walk(func):
        if not isinstance(node, ast.ExceptHandler) or len(node.body) != 1:
            continue
        body = node.body[0]
        if isinstance(body, ast.Pass) or body.lineno not in stmts or body.lineno == node.lineno:
            continue
        line = _line_of(text, body.lineno)
        ind = _indent(line)
        wrong = f"{ind}return None" if not isinstance(body, ast.Return) else f"{ind}print({node.name or 'None'})"
        sites.append(Site(body.lineno, line, f"{ind}pass", {"wrong": wrong}))
    return sites


_UNSAFE = {
    "json.loads": ("pickle.loads", "marshal.loads", "import pickle\nimport marshal"),
    "json.load": ("pickle.load", "marshal.load", "import pickle\nimport marshal"),
    "ast.literal_eval": ("eval", "eval", ""),
    "literal_eval": ("eval", "eval", ""),
    "tempfile.mkstemp": ("tempfile.mktemp", "tempfile.mktemp", "import tempfile"),
    "yaml.safe_load": ("yaml.load", "yaml.unsafe_load", "import yaml"),
    "hashlib.sha256": ("hashlib.md5", "hashlib.sha1", "import hashlib"),
}


def inj_unsafe_api(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    stmts = _statement_lines(func)
    sites = []
    for node in ast.walk(func):
        if not isinstance(node, ast.Call) or node.lineno not in stmts or node.func.end_lineno != node.lineno:
            continue
        line = _line_of(text, node.lineno)
        name = line[node.func.col_offset : node.func.end_col_offset]
        if name not in _UNSAFE:
            continue
        unsafe, partial, imports = _UNSAFE[name]
        defective = _splice(line, node.func.col_offset, node.func.end_col_offset or 0, unsafe)
        partial_line = _splice(line, node.func.col_offset, node.func.end_col_offset or 0, partial)
        if partial == "eval":  # eval with restricted globals: still eval
            args = line[node.col_offset : node.end_col_offset]
            inner = args[args.index("(") + 1 : -1]
            partial_line = _splice(line, node.col_offset, node.end_col_offset or 0,
                                   f'eval({inner}, {{"__builtins__": {{}}}})')
        sites.append(Site(node.lineno, line, defective, {"partial": partial_line}, header_extra=imports))
    return sites


CATALOGUE: dict[str, tuple[Injector, Severity]] = {
    "none-compare": (inj_none_compare, Severity.WARNING),  # the rule pack's `x == None` pattern
    "mutable-default": (inj_mutable_default, Severity.WARNING),
    "unsafe-api": (inj_unsafe_api, Severity.ERROR),  # bandit: pickle, eval, mktemp, yaml.load, md5
    "undefined-name": (inj_undefined_name, Severity.ERROR),  # a typo: pylint undefined-variable
    "off-by-one": (inj_off_by_one, Severity.WARNING),
    "inverted-condition": (inj_inverted_condition, Severity.WARNING),
    "wrong-variable": (inj_wrong_variable, Severity.WARNING),
    "missing-await": (inj_missing_await, Severity.WARNING),
    "swallowed-exception": (inj_swallowed_exception, Severity.WARNING),
}


# ---------------------------------------------------------------------------------------------------------------
# Generic wrong fixes


def _noparse(true: str) -> str:
    if true.rstrip().endswith(":"):
        return true.rstrip()[:-1]
    idx = true.rfind(")")
    if idx >= 0:
        return true[:idx] + true[idx + 1 :]
    idx = true.rfind("]")
    if idx >= 0:
        return true[:idx] + true[idx + 1 :]
    return true + " ("


def _line_names(line: str, bound: set[str]) -> list[ast.Name]:
    """Name nodes of a (possibly indented, possibly compound-header) line that are bound in the file, with
    columns relative to the line."""
    dedented = textwrap.dedent(line)
    shift = len(line) - len(dedented)
    tree = _parse(dedented + (" pass" if dedented.rstrip().endswith(":") else ""))
    if tree is None:
        return []
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in bound and n.id != "self":
            out.append(ast.Name(n.id, ast.Load(), lineno=1, col_offset=n.col_offset + shift,
                                end_lineno=1, end_col_offset=(n.end_col_offset or 0) + shift))
    return sorted(out, key=lambda n: n.col_offset)


def _bound(tree: ast.AST) -> set[str]:
    """Names the file binds: parameters, assignments, imports, the function itself."""
    out, _ = _names(tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
    return out


def _introduces(true: str, func_text: str, bound: set[str], rng: random.Random) -> str | None:
    """The true line with one bound name misspelled (the LLM invents an identifier): pylint's undefined-variable.
    For a line without such names, the statement wrapped in ``try/except Exception: pass`` (bandit B110)."""
    taken = set(re.findall(r"\w+", func_text))
    names = _line_names(true, bound)
    if names:
        target = rng.choice(names)
        typo = _typo(target.id, taken, rng)
        if typo is not None:
            return _splice(true, target.col_offset, target.end_col_offset or 0, typo)
    if not true.rstrip().endswith(":") and not true.lstrip().startswith(("return", "raise", "yield", "break",
                                                                          "continue")):
        ind = _indent(true)
        return f"{ind}try:\n{ind}    {true.strip()}\n{ind}except Exception:\n{ind}    pass"
    return None


def _unrelated(true: str, bound: set[str], rng: random.Random) -> str | None:
    """The true fix plus a change of something else on the line (a constant), or a debug print before it."""
    for m in re.finditer(r"(?<![\w.])(\d+)(?![\w.])", true):
        n = int(m.group(1))
        return true[: m.start()] + str(n + 1) + true[m.end() :]
    for m in re.finditer(r"'([a-z ]{2,})'|\"([a-z ]{2,})\"", true):
        return true[: m.start()] + m.group(0)[0] + (m.group(1) or m.group(2)).upper() + m.group(0)[0] + true[m.end():]
    if true.lstrip().startswith(("def ", "async def ", "@")):
        return None
    names = [n.id for n in _line_names(true, bound)]
    if not names:
        return None
    if true.rstrip().endswith(":"):
        return f"{true.rstrip()[:-1]} and {names[-1]}:"
    return f"{_indent(true)}print({names[0]})\n{true}"


def _layout(text: str, rng: random.Random) -> str:
    """The same code in another layout: a trailing comment or extra spaces after commas."""
    lines = text.split("\n")
    if rng.random() < 0.5:
        lines[0] = lines[0] + "  # fix"
    else:
        lines[0] = lines[0].replace(", ", ",  ", 1) if ", " in lines[0] else lines[0] + "  # fixed"
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Building the set


def build(per_class: int, seed: int, duplicates: bool) -> list[Instance]:
    rng = random.Random(seed)
    functions = harvest(rng)
    rng.shuffle(functions)
    used: set[tuple[str, str]] = set()
    instances: list[Instance] = []
    for cls, (injector, _severity) in CATALOGUE.items():
        made = 0
        for fn in functions:
            if made >= per_class:
                break
            if (fn.module, fn.name) in used:
                continue
            header = fn.header + "\n\n\n" if fn.header else ""
            text = header + fn.source
            tree = _parse(text)
            if tree is None:
                continue
            func = tree.body[-1]
            sites = [s for s in injector(func, text, rng) if s.defective != s.original and s.original.isascii()]
            if not sites:
                continue
            site = rng.choice(sites)
            if site.header_extra:
                text = site.header_extra + "\n" + text
                site = replace(site, line=site.line + site.header_extra.count("\n") + 1)
            lines = text.splitlines()
            assert lines[site.line - 1] == site.original
            defect_lines = list(lines)
            defect_lines[site.line - 1] = site.defective
            defect_text = "\n".join(defect_lines) + "\n"
            if _parse(defect_text) is None:
                continue
            used.add((fn.module, fn.name))
            made += 1
            cands: list[tuple[str, str, float]] = [("true", site.original, rng.uniform(0.4, 0.9))]
            for kind, line in site.variants.items():
                if line and line != site.original and line != site.defective:
                    cands.append((kind, line, rng.uniform(0.3, 0.95)))
            bound = _bound(tree)
            intro = _introduces(site.original, text, bound, rng)
            if intro:
                cands.append(("introduces", intro, rng.uniform(0.3, 0.95)))
            cands.append(("noparse", _noparse(site.original), rng.uniform(0.3, 0.95)))
            cands.append(("noop", site.defective + "  # fixed", rng.uniform(0.3, 0.95)))
            unrel = _unrelated(site.original, bound, rng)
            if unrel:
                cands.append(("unrelated", unrel, rng.uniform(0.3, 0.95)))
            # Extra samples (drawn even when not wanted, so that --no-duplicates judges the same defects).
            p_true = rng.uniform(0.3, 0.6)
            extra = []
            for _ in range(rng.randint(0, 3)):
                if rng.random() < p_true:
                    kind, line, _ = cands[0]
                else:
                    kind, line, _ = rng.choice(cands[1:])
                extra.append((kind, _layout(line, rng), rng.uniform(0.3, 0.95)))
            if duplicates:
                cands += extra
            slug = re.sub(r"\W+", "_", f"{fn.module}_{fn.name}")[-60:]
            path = f"{cls}/{made:03d}_{slug}.py"
            instances.append(
                Instance(f"{cls}#{made}", cls, path, text + ("\n" if not text.endswith("\n") else ""), defect_text,
                         site.line, cands, f"{fn.module}:{fn.name}")
            )
    return instances


# ---------------------------------------------------------------------------------------------------------------
# Analysis


def make_runner(names: Sequence[str], timeout: float = 1800.0) -> Callable[[Sequence[SourceFile], Path], Evidence]:
    """The project's analyzer runner over a batch, with long timeouts (a benchmark batch holds ~1000 files)."""
    from reviewbot.analyzers import load

    from reviewbot.analysis import run_analyzers

    adapters = [load(n) for n in names]
    options = {a.name: a.Options(timeout=timeout) for a in adapters}

    def run(files: Sequence[SourceFile], workdir: Path) -> Evidence:
        return run_analyzers(adapters, files, workdir, options, repo_root=None, rev=None, trusted={}, cache=None)

    return run


class Memo:
    """Re-analysis memoised by file content, so ablations do not re-run the analyzers."""

    def __init__(self, run: Callable[[Sequence[SourceFile], Path], Evidence]) -> None:
        self.run = run
        self.cache: dict[tuple[str, str | None], tuple[list[Finding], list[Metric]]] = {}
        self.statuses: tuple[AnalyzerStatus, ...] = ()
        self.calls = 0
        self.files = 0

    def __call__(self, files: Sequence[SourceFile], workdir: Path) -> Evidence:
        todo = [sf for sf in files if (sf.text, sf.before) not in self.cache]
        if todo:
            self.calls += 1
            self.files += len(todo)
            ev = self.run(todo, workdir)
            self.statuses = ev.statuses
            by_path: dict[str, tuple[list[Finding], list[Metric]]] = {sf.path: ([], []) for sf in todo}
            for f in ev.findings:
                if f.path in by_path:
                    by_path[f.path][0].append(f)
            for m in ev.metrics:
                if m.path in by_path:
                    by_path[m.path][1].append(m)
            for sf in todo:
                self.cache[(sf.text, sf.before)] = by_path[sf.path]
        findings: list[Finding] = []
        metrics: list[Metric] = []
        for sf in files:
            fs, ms = self.cache[(sf.text, sf.before)]
            findings += [replace(f, path=sf.path) for f in fs]
            metrics += [replace(m, path=sf.path) for m in ms]
        return Evidence(tuple(findings), (), tuple(metrics), self.statuses)


def analyze_instances(instances: Sequence[Instance], run: Memo) -> tuple[dict[str, list[Finding]], dict[str, set[str]]]:
    """Findings of each defective file, and which analyzers flag the injected defect (on its line, absent before)."""
    files: list[SourceFile] = []
    for inst in instances:
        n = len(inst.text.splitlines())
        files.append(SourceFile(inst.path, inst.text, added_lines=frozenset(range(1, n + 1)), hunks=((1, n),)))
        m = len(inst.original_text.splitlines())
        files.append(SourceFile("orig/" + inst.path, inst.original_text, added_lines=frozenset(range(1, m + 1)),
                                hunks=((1, m),)))
    with tempfile.TemporaryDirectory(prefix="bench-disc-") as tmp:
        for sf in files:
            target = Path(tmp) / sf.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(sf.text, encoding="utf-8")
        ev = run(files, Path(tmp))
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in ev.findings:
        by_path[f.path].append(f)
    found: dict[str, list[Finding]] = {}
    detected: dict[str, set[str]] = {}
    for inst in instances:
        before = {(f.tool, f.rule_id, f.line) for f in by_path.get("orig/" + inst.path, [])}
        found[inst.path] = by_path.get(inst.path, [])
        detected[inst.path] = {
            f.origin for f in found[inst.path]
            if f.line <= inst.line <= max(f.line, f.end_line) and (f.tool, f.rule_id, f.line) not in before
        }
    return found, detected


# ---------------------------------------------------------------------------------------------------------------
# Candidates and judging


@dataclass
class Judged:
    inst: Instance
    cands: list[Candidate]
    correct: list[bool]
    kinds: list[str]
    comments: list[Comment] = field(default_factory=list)


def candidates_for(inst: Instance, findings: Sequence[Finding], detected: set[str]) -> Judged:
    cites = tuple(f.fingerprint for f in findings if f.origin in detected and f.line <= inst.line <= f.end_line)
    severity = CATALOGUE[inst.cls][1]
    orig_hash = text_hash(inst.original_text)
    lines = inst.text.splitlines(keepends=True)
    cands: list[Candidate] = []
    correct: list[bool] = []
    kinds: list[str] = []
    for k, (kind, replacement, conf) in enumerate(inst.candidates):
        fix = Fix(inst.line, inst.line, replacement + "\n")
        patched = "".join(lines[: inst.line - 1]) + fix.replacement + "".join(lines[inst.line :])
        cands.append(
            Candidate(inst.path, inst.line, inst.line, severity, f"{inst.cls}: proposed fix",
                      f"llm:bench#{k}", fix=fix, confidence=round(conf, 2), cites=cites)
        )
        correct.append(text_hash(patched) == orig_hash)
        kinds.append(kind)
    # Static findings on the defect line are candidates too (a semgrep autofix is a fix candidate).
    for f in findings:
        if f.origin in detected and f.line <= inst.line <= max(f.line, f.end_line):
            c = candidate_from(f)
            cands.append(c)
            if c.fix is not None:
                patched = "".join(lines[: c.fix.start_line - 1]) + c.fix.replacement + "".join(lines[c.fix.end_line :])
                correct.append(text_hash(patched) == orig_hash)
                kinds.append("autofix")
            else:
                correct.append(False)
                kinds.append("static")
    return Judged(inst, cands, correct, kinds)


def judge_all(
    judged: Sequence[Judged],
    reanalyze: Memo | None,
    files: dict[str, SourceFile],
    findings: Sequence[Finding],
    verify: bool,
) -> None:
    all_cands = [c for j in judged for c in j.cands]
    evidence = Evidence(findings=tuple(findings))
    inp = ReviewInput(None, tuple(files.values()), evidence, Path("."), None, None)  # type: ignore[arg-type]
    comments, _notes = Discriminator(reanalyze, DiscriminatorOptions(verify=verify)).judge(all_cands, inp)
    it = iter(comments)
    for j in judged:
        j.comments = [next(it) for _ in j.cands]


# ---------------------------------------------------------------------------------------------------------------
# Metrics


def _rr(order: Sequence[int], correct: Sequence[bool]) -> float:
    for r, i in enumerate(order, 1):
        if correct[i]:
            return 1.0 / r
    return 0.0


@dataclass
class Scores:
    top1: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)
    wrong_posted: list[int] = field(default_factory=list)  # per wrong fix candidate: 1 if posted as a suggestion
    wrong_shown_e2e: list[int] = field(default_factory=list)  # per defect: the PR shows a wrong suggestion
    true_shown_e2e: list[int] = field(default_factory=list)  # per defect: the PR shows the true fix

    def add(self, order: Sequence[int], correct: Sequence[bool], posted: Sequence[bool], fix_idx: Sequence[int],
            e2e: tuple[int, int]) -> None:
        o = [i for i in order if i in fix_idx]
        self.top1.append(1.0 if o and correct[o[0]] else 0.0)
        self.rr.append(_rr(o, correct))
        self.wrong_posted += [1 if posted[i] else 0 for i in fix_idx if not correct[i]]
        self.wrong_shown_e2e.append(e2e[0])
        self.true_shown_e2e.append(e2e[1])

    def summary(self) -> dict[str, float]:
        mean = lambda xs: statistics.fmean(xs) if xs else float("nan")
        return {
            "top1": mean(self.top1),
            "mrr": mean(self.rr),
            "wrong_posted": mean(self.wrong_posted),
            "wrong_shown_per_defect": mean(self.wrong_shown_e2e),
            "true_shown_per_defect": mean(self.true_shown_e2e),
            "n": len(self.top1),
        }


def fix_rank(c: Comment) -> float:
    return c.verdict.fix_score if c.verdict is not None and c.verdict.fix_score is not None else c.score


def evaluate(judged: Sequence[Judged], threshold: float, seed: int) -> dict[str, dict[str, Scores]]:
    rng = random.Random(seed + 1)
    out: dict[str, dict[str, Scores]] = defaultdict(lambda: defaultdict(Scores))
    for j in judged:
        fix_idx = [i for i, c in enumerate(j.cands) if c.fix is not None]
        if not any(j.correct[i] for i in fix_idx):
            continue
        tie = {i: rng.random() for i in range(len(j.cands))}
        # discriminator
        # fixes are ranked by their own score (an LLM comment's score no longer depends on its fix)
        order = sorted(range(len(j.cands)), key=lambda i: (-fix_rank(j.comments[i]), tie[i]))
        posted = [j.comments[i].score >= threshold and j.comments[i].suggestion is not None for i in range(len(j.cands))]
        ranked = rank(j.comments, min_score=threshold, max_total=100, max_per_file=100)
        e2e = (0, 0)
        for c in ranked.comments:
            if c.suggestion is not None:
                idx = next(i for i, x in enumerate(j.comments) if x.origin == c.origin)
                e2e = (0, 1) if j.correct[idx] else (1, 0)
        for key in (j.inst.cls, "all"):
            out[key]["discriminator"].add(order, j.correct, posted, fix_idx, e2e)
        # confidence baseline: the candidates' own order; every suggestion at or above the threshold is posted, and
        # the PR shows the most confident one
        corder = sorted(range(len(j.cands)), key=lambda i: (-j.cands[i].confidence, tie[i]))
        cposted = [j.cands[i].confidence >= threshold for i in range(len(j.cands))]
        top = next((i for i in corder if i in fix_idx), None)
        ce2e = (0, 0)
        if top is not None and cposted[top]:
            ce2e = (0, 1) if j.correct[top] else (1, 0)
        for key in (j.inst.cls, "all"):
            out[key]["confidence"].add(corder, j.correct, cposted, fix_idx, ce2e)
        # random order (posting as the confidence baseline), averaged over 50 shuffles
        rs = Scores()
        for _ in range(50):
            rorder = list(range(len(j.cands)))
            rng.shuffle(rorder)
            rs.add(rorder, j.correct, cposted, fix_idx, ce2e)
        for key in (j.inst.cls, "all"):
            out[key]["random"].top1.append(statistics.fmean(rs.top1))
            out[key]["random"].rr.append(statistics.fmean(rs.rr))
    return out


# ---------------------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, object]:
    started = time.monotonic()
    instances = build(args.per_class, args.seed, not args.no_duplicates)
    print(f"generated {len(instances)} defects, {sum(len(i.candidates) for i in instances)} LLM-style candidates "
          f"(seed {args.seed}, {len(CATALOGUE)} classes)", flush=True)
    memo = Memo(make_runner(args.analyzers))
    if args.cache and Path(args.cache).is_file():
        memo.cache = pickle.loads(Path(args.cache).read_bytes())
    found, detected = analyze_instances(instances, memo)
    judged = [candidates_for(i, found[i.path], detected[i.path]) for i in instances]
    files = {
        i.path: SourceFile(i.path, i.text, added_lines=frozenset(range(1, len(i.text.splitlines()) + 1)))
        for i in instances
    }
    t = time.monotonic()
    all_findings = [f for fs in found.values() for f in fs]
    judge_all(judged, memo if not args.no_verify else None, files, all_findings, verify=not args.no_verify)
    judge_seconds = time.monotonic() - t
    if args.cache:
        Path(args.cache).write_bytes(pickle.dumps(memo.cache))
    if args.dump:
        dump(Path(args.dump), judged, detected)
    results = evaluate(judged, scoring.DEFAULT_THRESHOLD, args.seed)
    report(results, judged, detected, memo, judge_seconds, time.monotonic() - started, args)
    return {k: {m: s.summary() for m, s in v.items()} for k, v in results.items()}


def dump(folder: Path, judged: Sequence[Judged], detected: dict[str, set[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "candidates.jsonl").open("w", encoding="utf-8") as out:
        for j in judged:
            for c, ok, kind, cm in zip(j.cands, j.correct, j.kinds, j.comments):
                out.write(json.dumps({
                    "defect": j.inst.id, "class": j.inst.cls, "source": j.inst.source, "line": j.inst.line,
                    "detected_by": sorted(detected[j.inst.path]), "origin": c.origin, "kind": kind, "correct": ok,
                    "confidence": c.confidence, "replacement": c.fix.replacement if c.fix else None,
                    "score": cm.score, "reason": cm.reason, "suggestion_shown": cm.suggestion is not None,
                    "steps": dict(cm.verdict.steps) if cm.verdict else {},
                }) + "\n")


def report(results: dict[str, dict[str, Scores]], judged: Sequence[Judged], detected: dict[str, set[str]],
           memo: Memo, judge_seconds: float, total: float, args: argparse.Namespace) -> None:
    print(f"analyzers: {', '.join(args.analyzers)}; {memo.calls} analyzer batch call(s) in all, {memo.files} files; "
          f"judging {sum(len(j.cands) for j in judged)} candidates took {judge_seconds:.1f}s; total {total:.1f}s")
    print("last batch: " + ", ".join(f"{s.name} {s.status.value} {s.seconds:.1f}s" for s in memo.statuses))
    print()
    head = (f"{'class':<20} {'n':>3} {'detected':>8}  {'top-1 disc/conf/rand':>21}  {'MRR disc/conf/rand':>19}  "
            f"{'wrong posted disc/conf':>22}  {'PR shows wrong disc/conf':>24}  {'PR shows true':>13}")
    print(head)
    print("-" * len(head))
    classes = [c for c in CATALOGUE if c in results] + ["all"]
    for cls in classes:
        r = results[cls]
        d, c, rnd = r["discriminator"].summary(), r["confidence"].summary(), r["random"].summary()
        insts = [j for j in judged if cls == "all" or j.inst.cls == cls]
        det = sum(1 for j in insts if detected[j.inst.path]) / max(1, len(insts))
        print(f"{cls:<20} {d['n']:>3} {det:>8.0%}  {d['top1']:>6.2f}/{c['top1']:.2f}/{rnd['top1']:.2f}      "
              f"{d['mrr']:>5.2f}/{c['mrr']:.2f}/{rnd['mrr']:.2f}     {d['wrong_posted']:>10.2f}/{c['wrong_posted']:.2f}"
              f"          {d['wrong_shown_per_defect']:>10.2f}/{c['wrong_shown_per_defect']:.2f}"
              f"           {d['true_shown_per_defect']:>5.2f}")
    print()
    kinds: dict[str, list[int]] = defaultdict(list)
    for j in judged:
        for kind, ok, cm, cand in zip(j.kinds, j.correct, j.comments, j.cands):
            if cand.fix is not None:
                kinds["true" if ok else kind].append(1 if (cm.score >= scoring.DEFAULT_THRESHOLD and cm.suggestion)
                                                     else 0)
    print("posted as a suggestion, by kind of candidate: " + ", ".join(
        f"{k} {statistics.fmean(v):.2f} (n={len(v)})" for k, v in sorted(kinds.items())))
    detectors: dict[str, int] = defaultdict(int)
    for origins in detected.values():
        for o in origins:
            detectors[o.split(":")[0]] += 1
    print("defects flagged by: " + (", ".join(f"{k} {v}" for k, v in sorted(detectors.items())) or "nothing"))
    print("note: classes with detected=0% are invisible to the analyzers; there the discriminator ranks by parse,")
    print("no-op, size, naturalness, consensus and confidence only; consensus comes from this generator's sampling")
    print("model, and naturalness favours the true fix because it is the real file's original line.")
    a = results["all"]
    d, c = a["discriminator"].summary(), a["confidence"].summary()
    ratio = c["wrong_shown_per_defect"] / d["wrong_shown_per_defect"] if d["wrong_shown_per_defect"] else float("inf")
    print(f"baselines: confidence top-1={c['top1']:.2f} mrr={c['mrr']:.2f} wrong-posted={c['wrong_posted']:.2f} "
          f"pr-wrong={c['wrong_shown_per_defect']:.2f}; random top-1={a['random'].summary()['top1']:.2f} "
          f"mrr={a['random'].summary()['mrr']:.2f}")
    print(f"top-1={d['top1']:.2f} mrr={d['mrr']:.2f} wrong-posted={d['wrong_posted']:.2f} "
          f"pr-wrong={d['wrong_shown_per_defect']:.2f} pr-true={d['true_shown_per_defect']:.2f} "
          f"(confidence baseline pr-wrong {c['wrong_shown_per_defect']:.2f}: {ratio:.1f}x fewer)")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--per-class", type=int, default=12)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--analyzers", type=lambda s: tuple(x for x in s.split(",") if x), default=ANALYZERS)
    p.add_argument("--no-duplicates", action="store_true", help="no extra samples: consensus sees only singletons")
    p.add_argument("--no-verify", action="store_true", help="no re-analysis of fixes (apply/parse/consensus only)")
    p.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    p.add_argument("--cache", metavar="FILE", help="keep analyzer results by file content in FILE (pickle) across runs")
    p.add_argument("--dump", metavar="DIR", help="write every candidate with its verdict to DIR/candidates.jsonl")
    args = p.parse_args(argv)
    numbers = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(numbers, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
