"""Discriminator bench: builds the labelled set: per defect the true fix, generic wrong fixes, extra samples; pure."""

from __future__ import annotations

import ast
import random
import re
import textwrap
from dataclasses import replace

from disc_defects import CATALOGUE, Instance, indent_of, misspell, splice
from disc_harvest import func_names, harvest, parse


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
    tree = parse(dedented + (" pass" if dedented.rstrip().endswith(":") else ""))
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
    out, _ = func_names(tree)
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
        typo = misspell(target.id, taken, rng)
        if typo is not None:
            return splice(true, target.col_offset, target.end_col_offset or 0, typo)
    if not true.rstrip().endswith(":") and not true.lstrip().startswith(("return", "raise", "yield", "break",
                                                                          "continue")):
        ind = indent_of(true)
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
    return f"{indent_of(true)}print({names[0]})\n{true}"


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
            tree = parse(text)
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
            if parse(defect_text) is None:
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
