"""Discriminator bench: the defect catalogue, an injector per class with its own wrong fixes; pure ast."""

from __future__ import annotations

import ast
import builtins
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from disc_harvest import func_names

from reviewbot.models import Severity


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


def splice(line: str, c0: int, c1: int, new: str) -> str:
    return line[:c0] + new + line[c1:]


_BUILTINS = set(dir(builtins))


def misspell(name: str, taken: set[str], rng: random.Random) -> str | None:
    options = []
    if len(name) > 3:
        options += [name[:i] + name[i + 1 :] for i in range(1, len(name))]
    options += [name + "s", name + "_", name[:1] + name[:1] + name[1:]]
    rng.shuffle(options)
    for o in options:
        if o.isidentifier() and o not in taken and o not in _BUILTINS and not o.startswith("__"):
            return o
    return None


def indent_of(line: str) -> str:
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
        defective = splice(line, c0, c1, " != " if is_not else " == ")
        wrong = splice(line, c0, c1, " is " if is_not else " is not ")
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
            defective = splice(line, d.col_offset, d.end_col_offset or 0, literal)
            partial = splice(line, d.col_offset, d.end_col_offset or 0, "list()" if literal == "[]" else "dict()")
            wrong = splice(line, d.col_offset, d.end_col_offset or 0, "()" if literal == "[]" else '""')
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
            defective = splice(line, arg.col_offset, arg.end_col_offset or 0, f"{seg} {sign} 1")
            wrong = splice(line, arg.col_offset, arg.end_col_offset or 0, f"{seg} {other} 1")
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
            defective = splice(line, c0, c1, f" {new} ")
            wrong = splice(line, c0, c1, " != " if old in ("<", ">") else " == ")
            sites.append(Site(node.lineno, line, defective, {"wrong": wrong}))
    return sites


_FLIP = {ast.Eq: "!=", ast.NotEq: "==", ast.In: "not in", ast.NotIn: "in", ast.Is: "is not", ast.IsNot: "is"}


def _flip_compare(line: str, node: ast.Compare) -> str | None:
    if len(node.ops) != 1 or type(node.ops[0]) not in _FLIP or node.end_lineno != node.lineno:
        return None
    c0, c1 = node.left.end_col_offset or 0, node.comparators[0].col_offset
    return splice(line, c0, c1, f" {_FLIP[type(node.ops[0])]} ")


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
            defective = splice(line, test.col_offset, test.end_col_offset or 0,
                                line[test.operand.col_offset : test.operand.end_col_offset])
        elif isinstance(test, (ast.BoolOp, ast.Compare)):
            defective = splice(line, test.col_offset, test.end_col_offset or 0, f"not ({seg})")
        else:
            defective = splice(line, test.col_offset, test.end_col_offset or 0, f"not {seg}")
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
    defined, _ = func_names(func)
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
                    splice(line, node.col_offset, node.end_col_offset or 0, a),
                    {"wrong": splice(line, node.col_offset, node.end_col_offset or 0, b)},
                )
            )
    return sites


def inj_undefined_name(func: ast.AST, text: str, rng: random.Random) -> list[Site]:
    defined, used = func_names(func)
    defined.discard("self")
    taken = defined | used | set(re.findall(r"\w+", text))
    stmts = _statement_lines(func)
    sites = []
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in defined and node.lineno in stmts:
            typo = misspell(node.id, taken, rng)
            typo2 = misspell(node.id, taken | {typo or ""}, rng)
            if typo is None or typo2 is None:
                continue
            line = _line_of(text, node.lineno)
            sites.append(
                Site(
                    node.lineno,
                    line,
                    splice(line, node.col_offset, node.end_col_offset or 0, typo),
                    {"partial": splice(line, node.col_offset, node.end_col_offset or 0, typo2)},
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
            defective = splice(line, node.col_offset, node.end_col_offset or 0, call)
            wrong = splice(line, node.col_offset, node.end_col_offset or 0, f"asyncio.ensure_future({call})")
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
        ind = indent_of(line)
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
        defective = splice(line, node.func.col_offset, node.func.end_col_offset or 0, unsafe)
        partial_line = splice(line, node.func.col_offset, node.func.end_col_offset or 0, partial)
        if partial == "eval":  # eval with restricted globals: still eval
            args = line[node.col_offset : node.end_col_offset]
            inner = args[args.index("(") + 1 : -1]
            partial_line = splice(line, node.col_offset, node.end_col_offset or 0,
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
