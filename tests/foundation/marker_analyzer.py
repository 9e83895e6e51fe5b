"""A tiny real analyzer for testing the plumbing around analyzers: flags every ``eval(`` call (error, with a
safe fix to ``ast.literal_eval(``) and every ``print(`` call (info, no fix)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from reviewbot.analyzers.base import AnalysisContext, Options, SourceFile
from reviewbot.models import AnalyzerResult, Confidence, Finding, Fix, Severity, finding_fingerprint


class MarkerAnalyzer:
    name: ClassVar[str] = "marker"
    Options: ClassVar[type[Options]] = Options
    per_file: ClassVar[bool] = True

    def version(self) -> str:
        return "1"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        findings = []
        for sf in files:
            assert (ctx.workdir / sf.path).read_text(encoding="utf-8") == sf.text  # the scratch copy is real
            for n, line in enumerate(sf.text.splitlines(), 1):
                if "eval(" in line and "literal_eval(" not in line:
                    fix = Fix(n, n, line.replace("eval(", "ast.literal_eval(") + "\n")
                    findings.append(Finding("marker", "no-eval", sf.path, n, n, Severity.ERROR, Confidence.HIGH,
                                            "eval() of data executes code", cwe=95, fix=fix,
                                            fingerprint=finding_fingerprint("marker", "no-eval", sf.path, line)))
                if "print(" in line:
                    findings.append(Finding("marker", "print", sf.path, n, n, Severity.INFO, Confidence.HIGH,
                                            "print() left in", fingerprint=finding_fingerprint(
                                                "marker", "print", sf.path, line)))
        return AnalyzerResult(findings=tuple(findings))
