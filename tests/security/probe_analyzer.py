"""A test analyzer that records what its worker process sees: environment, ``sys.path``, working directory,
interpreter flags and every module loaded from a file. Registered through a ``reviewbot.analyzers`` entry point
(``tests/security/support.py`` writes the distribution), the way a third-party analyzer is."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from reviewbot.analyzers.base import AnalysisContext, Options, SourceFile
from reviewbot.models import AnalyzerResult


class ProbeOptions(Options):
    log: str = ""  # a directory: one JSON record per worker


class EnvProbe:
    name: ClassVar[str] = "envprobe"
    Options: ClassVar[type[ProbeOptions]] = ProbeOptions
    per_file: ClassVar[bool] = False

    def version(self) -> str:
        return "1"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        modules = {n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())}
        record = {
            "pid": os.getpid(),
            "cwd": os.getcwd(),
            "path": sys.path,
            "env": dict(os.environ),
            "isolated": sys.flags.isolated,
            "modules": {n: f for n, f in modules.items() if isinstance(f, str)},
            "workdir": str(ctx.workdir),
        }
        log = Path(ctx.options.log)  # type: ignore[attr-defined]
        (log / f"worker-{os.getpid()}.json").write_text(json.dumps(record), encoding="utf-8")
        return AnalyzerResult(notes=("probed",))
