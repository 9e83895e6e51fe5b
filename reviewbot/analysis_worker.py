"""Body of an analyzer worker: one task (an adapter, its files, its context) in a process of its own.

Started by ``reviewbot.analysis`` as an isolated interpreter (``procs.python``: ``-I``, the parent's ``sys.path``
without the current directory, the reviewed repository and the scratch tree, the import guard) in an empty
directory, with the allow-listed environment. The task arrives pickled on stdin (the ``sys.path`` it needs to be
unpickled was set before); the result is pickled to the file named by the one argument, so whatever an adapter
prints cannot corrupt it. SIGTERM (the runner's timeout) becomes SystemExit, so the adapters' subprocess cleanup
kills the tools they started in sessions of their own.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from pathlib import Path
from typing import Any

from reviewbot.models import AnalyzerResult


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def analyze(task: Any) -> AnalyzerResult:
    """Run one unpickled task (an ``(analyzer, files, ctx)`` triple); an exception is the analyzer's error."""
    try:
        analyzer, files, ctx = task
        result = analyzer.analyze(files, ctx)
        if not isinstance(result, AnalyzerResult):
            result = AnalyzerResult(error=f"adapter returned {type(result).__name__}, not an AnalyzerResult")
    except Exception as exc:  # noqa: BLE001 - reported as the analyzer's error
        result = AnalyzerResult(error=one_line(exc))
    return result


def write(path: Path, result: AnalyzerResult) -> None:
    """Pickle ``result`` to ``path`` (atomically: the runner reads it only once it is complete)."""
    try:
        data = pickle.dumps(result)
    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable value in a finding
        data = pickle.dumps(AnalyzerResult(error=f"result could not be returned: {one_line(exc)}"))
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    out = Path(sys.argv[1])
    try:
        task = pickle.load(sys.stdin.buffer)
    except Exception as exc:  # noqa: BLE001 - e.g. an adapter whose module the worker cannot import
        write(out, AnalyzerResult(error=f"the analyzer could not be loaded in its worker: {one_line(exc)}"))
        return 0
    write(out, analyze(task))
    return 0
