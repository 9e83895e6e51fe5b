"""radon: cyclomatic complexity and (with ``maintainability``) maintainability index of every changed function,
before and after.

The rank A-F comes from ``cc_rank`` (radon's ``Function.letter`` is F/M for function/method, not a rank). radon runs
in a child process (``_radon_worker``) that reports source by source; each source gets ``file_timeout`` seconds
(``mi_visit`` can stall for a minute on long multi-line literals), after which the child is killed, the file
noted, and a new child carries on with the next one.

A Finding when a changed function crosses ``cc_threshold`` or its complexity grows by ``cc_jump`` or more
("parse() went from 6 (B) to 17 (C)"): a warning for a new function above the threshold or one that crosses it
growing by ``cc_jump`` or more, info otherwise (a function near the threshold tipped over by a small change). ``assert`` statements are not counted as branches (``count_asserts``).
"""

from __future__ import annotations

import ast
import json
import os
import selectors
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field
from radon.complexity import cc_rank
from radon.metrics import mi_rank
from reviewbot import procs
from reviewbot.analyzers import _changes, _source
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult, Confidence, Finding, Metric, Severity, finding_fingerprint

_WORKER = Path(__file__).with_name("_radon_worker.py")
_STARTUP = 30.0  # seconds for the child to start and import radon; each source's clock starts after that


class RadonOptions(BaseOptions):
    """``[tool.reviewbot.radon]``."""

    cc_threshold: int = Field(default=10, ge=1)  # a finding when a function goes above this (11+ is rank C)
    cc_jump: int = Field(default=5, ge=1)  # ... or grows by at least this much
    # radon counts each ``assert`` as a branch by default: a straight test of 15 asserts would be "rank C, consider
    # splitting it". An assert adds no path a reader follows (it holds or the program stops), so it is not counted
    # (radon's own ``no_assert``) unless this is set.
    count_asserts: bool = False
    file_timeout: float = Field(default=20.0, gt=0)  # seconds per source (before and after count separately)
    # The maintainability index of each changed function, for the LLM reviewer's prompts (nothing else reads it,
    # and it is most of radon's time): a review with no LLM configured turns it off.
    maintainability: bool = True


class Radon:
    name: ClassVar[str] = "radon"
    Options: ClassVar[type[RadonOptions]] = RadonOptions
    per_file: ClassVar[bool] = True
    splittable: ClassVar[bool] = True
    cost_per_kloc: ClassVar[float] = 0.15  # CPU seconds per 1000 lines on the stdlib (base.Traits)
    # most of radon's time, and only the LLM's prompts read it (the discriminator reads complexity deltas)
    prompt_only: ClassVar[tuple[str, ...]] = ("maintainability",)

    def version(self) -> str:
        try:
            v = metadata.version("radon")
        except metadata.PackageNotFoundError:
            v = "missing"
        return f"radon {v} py{_source.RUNNING}"

    def in_process(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
        """radon runs in a child of its own (its worker, through ``procs.python`` and ``procs.started``): this adapter's
        part needs no worker process."""
        return True

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options if isinstance(ctx.options, RadonOptions) else RadonOptions()
        notes: list[str] = []
        plans: list[_FilePlan] = []
        for sf in files:
            after = _source.parse_python(sf.text)
            if isinstance(after, SyntaxError):
                notes.append(_source.unparsable_note(self.name, sf.path, sf.text, after))
                continue
            before = _source.parse_python(sf.before) if sf.before is not None else None
            if isinstance(before, SyntaxError):
                notes.append(f"{sf.old_path or sf.path}: the pre-image does not parse; radon measured only after")
                before = None
                sf = SourceFile(sf.path, sf.text, None, sf.old_path, sf.added_lines, sf.hunks)
            new_funcs = _functions(after)
            old_funcs = _functions(before) if before is not None else {}
            pairs = _changes.touched(sf, list(new_funcs), list(old_funcs))
            if pairs:
                plans.append(_FilePlan(sf, pairs, new_funcs, old_funcs))
        jobs: list[tuple[_FilePlan, str, dict[str, Any]]] = []
        flags = {"mi": opts.maintainability, "asserts": opts.count_asserts}
        for plan in plans:
            want_new = [[s.name, plan.new_funcs[s]] for _, s in plan.pairs if s is not None]
            want_old = [[s.name, plan.old_funcs[s]] for s, _ in plan.pairs if s is not None]
            if want_new:
                jobs.append((plan, "after", {"text": plan.sf.text, "want": want_new, **flags}))
            if want_old and plan.sf.before is not None:
                jobs.append((plan, "before", {"text": plan.sf.before, "want": want_old, **flags}))
        if not jobs:
            return AnalyzerResult(notes=tuple(notes))
        results, error = _measure([job for _, _, job in jobs], opts, (ctx.workdir, ctx.repo_root))
        for (plan, side, _), res in zip(jobs, results):
            if isinstance(res, str):
                label = plan.sf.path if side == "after" else f"{plan.sf.old_path or plan.sf.path} (before)"
                notes.append(f"{label}: radon {res}")
            else:
                plan.measured[side] = {(str(f["name"]), int(f["line"])): f for f in res}
        metrics: list[Metric] = []
        findings: list[Finding] = []
        for plan in plans:
            if "after" not in plan.measured and "before" not in plan.measured:
                continue
            m, f = _compare(plan, opts)
            metrics += m
            findings += f
        return AnalyzerResult(findings=tuple(findings), metrics=tuple(metrics), notes=tuple(notes), error=error)


@dataclass
class _FilePlan:
    sf: SourceFile
    pairs: list[tuple[_changes.Span | None, _changes.Span | None]]
    new_funcs: dict[_changes.Span, int]  # span -> def line (radon's ``lineno``)
    old_funcs: dict[_changes.Span, int]
    measured: dict[str, dict[tuple[str, int], dict[str, Any]]] = field(default_factory=dict)


def _functions(tree: ast.Module | None) -> dict[_changes.Span, int]:
    """The functions and methods radon measures (not classes), as spans (with decorators) -> def line."""
    if tree is None:
        return {}
    return {_changes.Span(q, start, end): line for q, start, end, line, is_class in _source.ast_defs(tree) if not is_class}


def _measure(
    texts: list[dict[str, Any]], opts: RadonOptions, deny: Sequence[Path | None]
) -> tuple[list[list[dict[str, Any]] | str], str]:
    """Run the worker over the jobs: per job the functions measured, or a string saying what went wrong."""
    results: list[list[dict[str, Any]] | str] = ["was not measured"] * len(texts)
    error = ""
    overall = time.monotonic() + opts.timeout
    with tempfile.TemporaryDirectory(prefix="reviewbot-radon-") as tmp:
        data = Path(tmp) / "input.json"
        data.write_text(json.dumps(texts), encoding="utf-8")
        start = 0
        while start < len(texts):
            if time.monotonic() >= overall:
                error = _source.timed_out(opts.timeout, len(texts) - start, "source")
                break
            argv = procs.python(("path", str(_WORKER)), [data, start], deny=deny, argv0="radon-worker")
            start = _one_child(argv, start, texts, results, opts, overall, Path(tmp))
    return results, error


def _one_child(
    argv: list[str],
    start: int,
    texts: list[dict[str, Any]],
    results: list[list[dict[str, Any]] | str],
    opts: RadonOptions,
    overall: float,
    tmp: Path,
) -> int:
    """Run one worker from ``start``; returns the index to restart from (``len(texts)`` when done)."""
    stderr_path = tmp / f"stderr-{start}.txt"
    with open(stderr_path, "wb") as stderr, procs.started(argv, stderr=stderr) as proc:
        assert proc.stdout is not None
        try:
            return _follow(proc, stderr_path, start, texts, results, opts, overall)
        finally:
            proc.stdout.close()


def _follow(
    proc: subprocess.Popen[bytes],
    stderr_path: Path,
    expected: int,
    texts: list[dict[str, Any]],
    results: list[list[dict[str, Any]] | str],
    opts: RadonOptions,
    overall: float,
) -> int:
    """Read the worker's records as they come, each source within its time limit (the caller ends the worker)."""
    assert proc.stdout is not None
    deadline = time.monotonic() + _STARTUP
    buf = b""
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while expected < len(texts):
            now = time.monotonic()
            limit = min(deadline, overall)
            if now >= limit:
                if now < overall:
                    results[expected] = f"timed out after {opts.file_timeout:g} s"
                    return expected + 1
                return expected  # the whole batch is out of time: _measure reports it
            if not sel.select(limit - now):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                proc.wait()
                tail = stderr_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
                why = f"crashed (exit {proc.returncode})" + (f": {tail[0]}" if tail else "")
                results[expected] = why
                return expected + 1
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                try:
                    record = json.loads(line)
                    if record.get("ready"):
                        deadline = time.monotonic() + opts.file_timeout
                        continue
                    index = int(record["i"])
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
                if "error" in record:
                    results[index] = f"could not measure it: {record['error']}"
                else:
                    results[index] = list(record.get("functions") or [])
                expected = index + 1
                deadline = time.monotonic() + opts.file_timeout
        return len(texts)


def _compare(plan: _FilePlan, opts: RadonOptions) -> tuple[list[Metric], list[Finding]]:
    after_at = plan.measured.get("after", {})
    before_at = plan.measured.get("before", {})
    sf = plan.sf
    metrics: list[Metric] = []
    findings: list[Finding] = []
    for old, new in plan.pairs:
        a = after_at.get((new.name, plan.new_funcs[new])) if new else None
        b = before_at.get((old.name, plan.old_funcs[old])) if old else None
        if a is None and b is None:  # e.g. a method of a class defined inside a function: radon skips those
            continue
        ref = new or old
        assert ref is not None
        line = plan.new_funcs[new] if new else 0  # a removed function has no post-image line
        for key in ("cc", "mi") if opts.maintainability else ("cc",):
            va = a.get(key) if a else None
            vb = b.get(key) if b else None
            rank = cc_rank if key == "cc" else mi_rank
            metrics.append(
                Metric(
                    path=sf.path,
                    symbol=ref.name,
                    line=line,
                    name=key,
                    before=float(vb) if vb is not None else None,
                    after=float(va) if va is not None else None,
                    rank_before=rank(vb) if vb is not None else None,
                    rank_after=rank(va) if va is not None else None,
                )
            )
        if a is not None and new is not None:
            finding = _complexity_finding(sf, new, plan.new_funcs[new], int(a["cc"]), int(b["cc"]) if b else None, opts)
            if finding is not None:
                findings.append(finding)
    return metrics, findings


def _complexity_finding(
    sf: SourceFile, span: _changes.Span, def_line: int, after: int, before: int | None, opts: RadonOptions
) -> Finding | None:
    crossed = after > opts.cc_threshold and (before is None or before <= opts.cc_threshold)
    jumped = before is not None and after - before >= opts.cc_jump
    if not (crossed or jumped):
        return None
    # A warning (posted by default) when the change wrote the complexity: a new function above the threshold, or one
    # that crossed it while growing by cc_jump or more. A function that was already near the threshold and tipped
    # over with a small addition is noted at info level: the change barely touched what makes it complex.
    warn = crossed and (before is None or jumped)
    short = span.name.rsplit(".", 1)[-1]
    if before is None:
        message = f"new function {short}() has cyclomatic complexity {after} ({cc_rank(after)})"
    else:
        message = f"{short}() went from {before} ({cc_rank(before)}) to {after} ({cc_rank(after)})"
    message += f" (threshold {opts.cc_threshold}, jump {opts.cc_jump}); consider splitting it"
    rule = "complexity-threshold" if crossed else "complexity-jump"
    return Finding(
        tool="radon",
        rule_id=rule,
        path=sf.path,
        line=def_line,
        end_line=def_line,
        severity=Severity.WARNING if warn else Severity.INFO,
        confidence=Confidence.HIGH,
        message=message,
        fingerprint=finding_fingerprint("radon", rule, sf.path, _source.code_at(sf.text, def_line, def_line)),
        symbol=span.name,
        url="https://radon.readthedocs.io/en/latest/intro.html#cyclomatic-complexity",
    )
