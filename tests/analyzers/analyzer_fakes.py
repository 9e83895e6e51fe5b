"""Small adapters for testing the runner and the cache: they must be importable by module name, because the runner
pickles adapters into worker processes."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from reviewbot import procs
from reviewbot.analyzers.base import AnalysisContext, Options, SourceFile

from reviewbot.models import AnalyzerResult, Confidence, Fact, Finding, Metric, Severity, finding_fingerprint


class LogOptions(Options):
    log: str = ""  # a directory: one file per analyzed source is appended there
    tag: str = "x"


def _log(ctx: AnalysisContext, name: str, files: Sequence[SourceFile]) -> None:
    log = getattr(ctx.options, "log", "")
    if log:
        for sf in files:
            with open(Path(log) / f"{name}.log", "a", encoding="utf-8") as fh:
                fh.write(sf.path + "\n")


class Echo:
    """One finding per line containing "TODO", one fact and one metric per file; logs what it analyzed."""

    name: ClassVar[str] = "echo"
    Options: ClassVar[type[LogOptions]] = LogOptions
    per_file: ClassVar[bool] = True
    splittable: ClassVar[bool] = True

    def version(self) -> str:
        return "echo 1"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        _log(ctx, self.name, files)
        tag = getattr(ctx.options, "tag", "x")
        findings = []
        facts = []
        metrics = []
        notes = []
        for sf in files:
            for n, line in enumerate(sf.text.splitlines(), 1):
                if "TODO" in line:
                    findings.append(
                        Finding("echo", "todo", sf.path, n, n, Severity.INFO, Confidence.HIGH, f"todo {tag}",
                                fingerprint=finding_fingerprint("echo", "todo", sf.path, line))
                    )
            facts.append(Fact(sf.path, 1, "", "size", f"{len(sf.text)} chars"))
            metrics.append(Metric(sf.path, "", 1, "lines", None, float(sf.text.count("\n"))))
            notes.append(f"{sf.path}: seen by echo {os.getpid()}")
        return AnalyzerResult(tuple(findings), tuple(facts), tuple(metrics), notes=tuple(notes))


class WholeEcho(Echo):
    """Like Echo, but cached as a whole (not per file), keyed on the files and a tag."""

    name: ClassVar[str] = "whole"
    per_file: ClassVar[bool] = False
    splittable: ClassVar[bool] = False

    def cache_key(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> str | None:
        return "|".join(f"{sf.path}:{sf.text}" for sf in files)


class Raising:
    name: ClassVar[str] = "raising"
    Options: ClassVar[type[Options]] = Options
    per_file: ClassVar[bool] = True

    def version(self) -> str:
        return "1"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        raise RuntimeError("adapter bug: something broke\nsecond line of the message")


class Dying:
    name: ClassVar[str] = "dying"
    Options: ClassVar[type[Options]] = Options
    per_file: ClassVar[bool] = False

    def version(self) -> str:
        return "1"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        os._exit(3)


class SleepOptions(Options):
    pidfile: str = ""


class Sleeping:
    """Starts a long-running child process (its pid written to ``pidfile``) and waits for it: never finishes."""

    name: ClassVar[str] = "sleeping"
    Options: ClassVar[type[SleepOptions]] = SleepOptions
    per_file: ClassVar[bool] = False

    def version(self) -> str:
        return "1"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        code = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(300)"
        procs.run([sys.executable, "-c", code, ctx.options.pidfile], timeout=600)  # type: ignore[attr-defined]
        return AnalyzerResult()


class MeetOptions(Options):
    rendezvous: str = ""  # a directory
    me: str = ""
    other: str = ""
    wait: float = 60.0


class Meet:
    """Announces itself and waits for ``other`` to announce itself too: succeeds only if both run at once."""

    name: ClassVar[str] = "meet"
    Options: ClassVar[type[MeetOptions]] = MeetOptions
    per_file: ClassVar[bool] = False

    def __init__(self, name: str = "meet") -> None:
        self.name = name  # type: ignore[misc]

    def version(self) -> str:
        return "1"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options
        where = Path(opts.rendezvous)  # type: ignore[attr-defined]
        (where / opts.me).write_text("here")  # type: ignore[attr-defined]
        deadline = time.monotonic() + opts.wait  # type: ignore[attr-defined]
        while time.monotonic() < deadline:
            if (where / opts.other).exists():  # type: ignore[attr-defined]
                return AnalyzerResult(notes=(f"met {opts.other}",))  # type: ignore[attr-defined]
            time.sleep(0.05)
        return AnalyzerResult(error=f"never met {opts.other}")  # type: ignore[attr-defined]


class Chatty(Echo):
    """Echo that also prints to stdout and stderr, as tools and careless adapters do."""

    name: ClassVar[str] = "chatty"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        print("chatter on stdout " * 1000)
        print("chatter on stderr", file=sys.stderr)
        return super().analyze(files, ctx)


class Here(Echo):
    """Echo that asks to run in the runner's own process."""

    name: ClassVar[str] = "here"

    def in_process(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
        return True


class BrokenHere(Echo):
    """Echo whose ``in_process`` hook raises: it runs in a worker as if it had none."""

    name: ClassVar[str] = "brokenhere"

    def in_process(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
        raise RuntimeError("hook bug")


class MeetHere(Meet):
    """Meet, in the runner's own process (a note names it)."""

    def in_process(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
        return True

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        result = super().analyze(files, ctx)
        return AnalyzerResult(error=result.error, notes=(*result.notes, f"pid {os.getpid()}"))


class ToolOptions(Options):
    log: str = ""  # a directory: the adapter's pid, the tool's pid, and "done" once the tool has slept its time
    seconds: float = 20.0


class SlowToolHere:
    """Runs in the runner's process and starts a tool that sleeps ``seconds``, then writes ``done``."""

    name: ClassVar[str] = "slowtool"
    Options: ClassVar[type[ToolOptions]] = ToolOptions
    per_file: ClassVar[bool] = False

    def version(self) -> str:
        return "1"

    def in_process(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
        return True

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options
        log = Path(opts.log)  # type: ignore[attr-defined]
        (log / "adapter.pid").write_text(str(os.getpid()))
        code = ("import os, sys, time; open(sys.argv[1] + '/tool.pid', 'w').write(str(os.getpid())); "
                "time.sleep(float(sys.argv[2])); open(sys.argv[1] + '/done', 'w').write('done')")
        procs.run([sys.executable, "-c", code, str(log), str(opts.seconds)], timeout=600)  # type: ignore[attr-defined]
        return AnalyzerResult()
