"""Child process of the radon adapter: complexity and maintainability of every function, one source at a time.

Run by path through ``reviewbot.procs.python`` (an isolated interpreter that cannot import from the reviewed tree) as
``WORKER INPUT START`` from an empty directory; never as a script (the script's directory, ours, holds modules named
``radon.py`` and ``pylint.py`` that would shadow the real ones). INPUT is a JSON list of {"text", "want", "mi",
"asserts"} jobs (``want``: the functions to measure; ``mi``: whether to compute the maintainability index, default
true; ``asserts``: whether ``assert`` counts as a branch, default false); from index START on, one JSON line per
source is written and flushed, so the parent can give each source its own time limit (``mi_visit`` can stall for
a minute on a file with long multi-line literals), kill this process when one overruns, and start a new one after
it. Imports nothing from reviewbot.
"""

from __future__ import annotations

import json
import sys
import textwrap
import warnings
from typing import Any


def _mi(source: str) -> float | None:
    from radon.metrics import mi_visit

    try:
        return round(float(mi_visit(textwrap.dedent(source), True)), 2)
    except Exception:  # noqa: BLE001 - a dedented body that does not parse on its own, radon internals
        return None


def functions(
    text: str, want: set[tuple[str, int]] | None = None, mi: bool = True, asserts: bool = False
) -> list[dict[str, Any]]:
    """Every function and method (closures included) with its qualified name, lines, cc and mi (None unless
    ``mi``); only those in ``want`` (qualified name, def line) when given: the maintainability index is the
    expensive part. ``assert`` statements count as branches only when ``asserts`` is set."""
    from radon.complexity import cc_rank, cc_visit

    lines = text.splitlines(keepends=True)
    out: list[dict[str, Any]] = []

    def add_function(func: Any, prefix: str) -> None:
        qualname = f"{prefix}{func.name}"
        if want is not None and (qualname, func.lineno) not in want:
            for inner in func.closures:
                add_function(inner, qualname + ".")
            return
        source = "".join(lines[func.lineno - 1 : func.endline])
        out.append(
            {
                "name": qualname,
                "line": func.lineno,
                "end_line": func.endline,
                "cc": func.complexity,
                "rank": cc_rank(func.complexity),
                "mi": _mi(source) if mi else None,
            }
        )
        for inner in func.closures:
            add_function(inner, qualname + ".")

    def add_class(cls: Any, prefix: str) -> None:
        qualname = f"{prefix}{cls.name}"
        for method in cls.methods:
            add_function(method, qualname + ".")
        for inner in cls.inner_classes:
            add_class(inner, qualname + ".")

    for block in cc_visit(text, no_assert=not asserts):  # classes, top-level functions, and (again) every method
        if hasattr(block, "methods"):
            add_class(block, "")
        elif not getattr(block, "is_method", False):
            add_function(block, "")
    return out


def main(argv: list[str]) -> int:
    warnings.simplefilter("ignore")
    import radon.complexity
    import radon.metrics  # noqa: F401

    sys.stdout.write('{"ready": true}\n')
    sys.stdout.flush()
    with open(argv[1], encoding="utf-8") as fh:
        jobs = json.load(fh)  # [{"text": ..., "want": [[qualname, line], ...] or null}, ...]
    for index in range(int(argv[2]), len(jobs)):
        job = jobs[index]
        want = None if job.get("want") is None else {(str(n), int(line)) for n, line in job["want"]}
        try:
            record: dict[str, Any] = {"i": index, "functions": functions(
                job["text"], want, bool(job.get("mi", True)), bool(job.get("asserts", False)))}
        except Exception as exc:  # noqa: BLE001 - reported per source, the next one still runs
            record = {"i": index, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
