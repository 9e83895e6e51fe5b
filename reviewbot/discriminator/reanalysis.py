"""Step 3, *re-analysed*: the analyzers run again on every patched variant at once, and each variant's findings are
compared with those of its unpatched original.

All variants go into one scratch directory, ``v<n>/<path>`` for variant n and ``base/<path>`` for the originals,
and the analyzers run once over all of them (one batch per analyzer, not one process per candidate). The originals
are analysed again in the same layout rather than taken from the review's Evidence, which is filtered to the diff
and was produced with another layout: a finding that shows up in a variant but not in its ``base`` copy was
introduced by the fix, not by the layout. Every line of every copy is marked as added so that no adapter hides
anything. The pre-image of every copy (the originals' included) is the original, so radon reports the complexity
change the fix makes, and its "went above the threshold" findings appear only where a fix pushes a function over.

Findings are compared by (tool, rule, line), with the variant's lines mapped back through the fix (lines after it
shift by its line delta, lines inside it compare as one region).
"""

from __future__ import annotations

import ast
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reviewbot.discriminator.patching import Applied, map_line
from reviewbot.models import Evidence, Finding, SourceFile, Status

# (variant files, scratch dir holding them) -> what the analyzers found. Built by the wiring (wiring).
Reanalyze = Callable[[Sequence[SourceFile], Path], Evidence]

BASE = "base"

Key = tuple[str, str, object]  # (tool, rule, original line or "fix")


# Findings a tool reports *because* the fix did what the trigger finding asked: bandit's checks come in pairs, and
# the shell-free form of a subprocess call is the low-severity B603/B606 (plus B607 for a bare program name). When
# the fix resolves the trigger, these are not counted as introduced (they are still listed in the step).
COMPANIONS: dict[tuple[str, str], frozenset[tuple[str, str]]] = {
    ("bandit", "B602"): frozenset({("bandit", "B603"), ("bandit", "B607")}),  # subprocess with shell=True
    ("bandit", "B604"): frozenset({("bandit", "B603"), ("bandit", "B607")}),  # any call with shell=True
    ("bandit", "B605"): frozenset({("bandit", "B606"), ("bandit", "B603"), ("bandit", "B607")}),  # os.system
}


@dataclass(frozen=True)
class Variant:
    """One candidate's fix applied to one file."""

    key: int  # the candidate's index
    original: SourceFile
    applied: Applied


@dataclass(frozen=True)
class Outcome:
    """What re-analysis says about one variant."""

    resolves: tuple[Finding, ...]  # findings of the original that are gone (original's coordinates)
    introduces: tuple[Finding, ...]  # findings of the variant that are new (variant's coordinates, original path)
    expected: tuple[Finding, ...]  # new findings that are COMPANIONS of a resolved one (not counted)
    baseline: tuple[Finding, ...]  # all findings of the re-analysed original (original path)
    complexity_delta: float | None = None  # cyclomatic complexity change of the function the fix touches
    symbol: str = ""


@dataclass(frozen=True)
class Batch:
    outcomes: Mapping[int, Outcome]
    failed: tuple[str, ...]  # analyzers that errored (their signals are unknown), with their messages
    ran: tuple[str, ...]  # analyzers that ran
    seconds: float


def _all_lines(text: str) -> tuple[frozenset[int], tuple[tuple[int, int], ...]]:
    n = max(1, len(text.splitlines()))
    return frozenset(range(1, n + 1)), ((1, n),)


def _write(scratch: Path, rel: str, text: str) -> None:
    target = scratch / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="")


def variant_files(variants: Sequence[Variant], scratch: Path) -> list[SourceFile]:
    """Write the originals and the variants under ``scratch`` and describe them as SourceFiles."""
    files: list[SourceFile] = []
    seen: set[str] = set()
    for v in variants:
        if v.original.path not in seen:
            seen.add(v.original.path)
            rel = f"{BASE}/{v.original.path}"
            _write(scratch, rel, v.original.text)
            added, hunks = _all_lines(v.original.text)
            files.append(
                SourceFile(path=rel, text=v.original.text, before=v.original.text, added_lines=added, hunks=hunks)
            )
        rel = f"v{v.key}/{v.original.path}"
        _write(scratch, rel, v.applied.text)
        added, hunks = _all_lines(v.applied.text)
        files.append(
            SourceFile(path=rel, text=v.applied.text, before=v.original.text, added_lines=added, hunks=hunks)
        )
    return files


def _base_key(f: Finding, applied: Applied) -> Key:
    if applied.start_line <= f.line < applied.start_line + applied.old_lines:
        return (f.tool, f.rule_id, "fix")
    return (f.tool, f.rule_id, f.line)


def _variant_key(f: Finding, applied: Applied) -> Key:
    mapped = map_line(f.line, applied)
    return (f.tool, f.rule_id, "fix" if mapped is None else mapped)


def compare(
    base: Sequence[Finding], variant: Sequence[Finding], applied: Applied
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(resolved base findings, introduced variant findings) of one fix."""
    base_keys = Counter(_base_key(f, applied) for f in base)
    var_keys = Counter(_variant_key(f, applied) for f in variant)
    gone = base_keys - var_keys
    new = var_keys - base_keys
    resolved: list[Finding] = []
    for f in base:
        k = _base_key(f, applied)
        if gone[k] > 0:
            gone[k] -= 1
            resolved.append(f)
    introduced: list[Finding] = []
    for f in variant:
        k = _variant_key(f, applied)
        if new[k] > 0:
            new[k] -= 1
            introduced.append(f)
    return tuple(resolved), tuple(introduced)


def enclosing_function(text: str, line: int) -> tuple[str, int]:
    """(qualified name, def line) of the innermost function around ``line``; ("", 0) at module level."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            return "", 0
    best: tuple[str, int] = ("", 0)

    def walk(node: ast.AST, prefix: str) -> None:
        nonlocal best
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                end = child.end_lineno or child.lineno
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                if first <= line <= end:
                    if not isinstance(child, ast.ClassDef):
                        best = (name, child.lineno)
                    walk(child, name + ".")
            else:
                walk(child, prefix)

    walk(tree, "")
    return best


def _complexity(evidence: Evidence, path: str, symbol: str, def_line: int) -> float | None:
    for m in evidence.metrics:
        if m.path != path or m.name != "cc":
            continue
        if m.line == def_line or (symbol and (m.symbol == symbol or m.symbol.endswith("." + symbol))):
            return m.delta
    return None


def _strip(f: Finding, path: str) -> Finding:
    return replace(f, path=path)


def run_batch(variants: Sequence[Variant], reanalyze: Reanalyze, scratch: Path) -> Batch:
    """Re-analyse all variants in one go; one Outcome per variant key."""
    started = time.monotonic()
    if not variants:
        return Batch({}, (), (), 0.0)
    files = variant_files(variants, scratch)
    evidence = reanalyze(files, scratch)
    by_file: dict[str, list[Finding]] = {}
    for f in evidence.findings:
        by_file.setdefault(f.path, []).append(f)
    outcomes: dict[int, Outcome] = {}
    for v in variants:
        path = v.original.path
        base = [_strip(f, path) for f in by_file.get(f"{BASE}/{path}", [])]
        mine = [_strip(f, path) for f in by_file.get(f"v{v.key}/{path}", [])]
        resolved, new = compare(base, mine, v.applied)
        allowed = set().union(*(COMPANIONS.get((f.tool, f.rule_id), frozenset()) for f in resolved))
        introduced = tuple(f for f in new if (f.tool, f.rule_id) not in allowed)
        expected = tuple(f for f in new if (f.tool, f.rule_id) in allowed)
        symbol, def_line = enclosing_function(v.applied.text, v.applied.start_line)
        delta = _complexity(evidence, f"v{v.key}/{path}", symbol, def_line) if def_line else None
        outcomes[v.key] = Outcome(resolved, introduced, expected, tuple(base), delta, symbol)
    failed = tuple(f"{s.name}: {s.message}" for s in evidence.statuses if s.status is Status.ERROR)
    ran = tuple(s.name for s in evidence.statuses if s.status is Status.OK)
    return Batch(outcomes, failed, ran, round(time.monotonic() - started, 3))


