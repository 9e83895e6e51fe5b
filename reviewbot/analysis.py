"""The analyzer stage: run the enabled adapters over the changed files, in parallel, with the result cache.

Each adapter (or each batch of files of a ``splittable`` one) runs in a worker process of its own
(``reviewbot.analysis_worker``), started through ``reviewbot.procs`` like every child: an isolated interpreter that
cannot import from the reviewed repository or the scratch tree, in an empty directory, with the allow-listed
environment, in a session of its own, so that an adapter that hangs can be killed with every tool it started.
Adapters that cannot be pickled, or that ask to (``base.wants_in_process``), run in a thread of this process
instead. At most ``jobs`` tasks run at once, the most expensive first. An exception escaping an adapter, a worker
that dies, and a worker that overruns its analyzer's ``timeout`` all become an error status for that analyzer
alone; the others' results stand.

Caching (``reviewbot.analysis_cache``): a ``per_file`` adapter runs only on the files the cache did not answer;
any other adapter is cached as a whole when it offers ``cache_key(files, ctx)``, otherwise never.
What an adapter declares beyond the ``Analyzer`` protocol (``settings_key(ctx)``: cache-key material beyond
the options, e.g. rule file contents; ``cache_key(files, ctx)``; ``splittable``; ``min_batch``; its cost) is
read once, as its ``Traits`` (``reviewbot.analyzers.base``); the runner knows no adapter by name.

Per-file notes follow one convention so they can be cached with their file: they start with ``"<path>: "``.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from reviewbot import procs
from reviewbot.analyzers.base import AnalysisContext, Analyzer, Options, Traits, wants_in_process
from reviewbot.analysis_worker import one_line as _one_line
from reviewbot.analysis_cache import Cached, lookup, store
from reviewbot.cache import Cache
from reviewbot.models import (
    AnalyzerResult,
    AnalyzerStatus,
    Evidence,
    Fact,
    Finding,
    Metric,
    Silenced,
    SourceFile,
    Status,
)

GRACE = 10.0  # seconds past an analyzer's own timeout before its worker is killed
STOP_GRACE = 3.0  # seconds a worker gets, after SIGTERM, to kill its tools before SIGKILL


@dataclass
class _Task:
    index: int  # position of the analyzer in the input
    analyzer: Analyzer
    files: list[SourceFile]
    ctx: AnalysisContext
    cost: float
    result: AnalyzerResult | None = None
    started: float = 0.0
    ended: float = 0.0


@dataclass
class _Plan:
    analyzer: Analyzer
    ctx: AnalysisContext | None
    version: str = ""
    error: str = ""
    cache: Cached = field(default_factory=Cached)
    tasks: list[_Task] = field(default_factory=list)


def run_analyzers(
    analyzers: Sequence[Analyzer],
    files: Sequence[SourceFile],
    workdir: Path,
    options: Mapping[str, Options],
    *,
    repo_root: Path | None,
    rev: str | None,
    cache: Cache | None,
    jobs: int | None = None,
    scope: Literal["file", "hunks"] = "file",
    python: str = "",
) -> Evidence:
    """Run ``analyzers`` over ``files`` (post-images already written under ``workdir``) and gather the Evidence.

    ``scope`` says what of each file the review reports on (see ``AnalysisContext.scope``), ``python`` the
    project's oldest Python (``AnalysisContext.python``). Never raises for an
    analyzer's failure; results are in the order of ``analyzers`` and sorted within."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    workdir = workdir.absolute()  # workers run in directories of their own
    repo_root = repo_root.absolute() if repo_root is not None else None
    where = AnalysisContext(workdir, Options(), repo_root, rev, scope, python)
    plans = [_plan(i, a, files, where, options, cache, jobs) for i, a in enumerate(analyzers)]
    tasks = [t for p in plans for t in p.tasks]
    _execute(tasks, jobs)
    statuses: list[AnalyzerStatus] = []
    findings: list[Finding] = []
    facts: list[Fact] = []
    metrics: list[Metric] = []
    silenced: list[Silenced] = []
    for plan in plans:
        status, result = _finish(plan, cache, files)
        statuses.append(status)
        findings += result.findings
        facts += result.facts
        metrics += result.metrics
        silenced += result.silenced
    findings.sort(key=lambda f: (f.path, f.line, f.end_line, f.column, f.tool, f.rule_id, f.message))
    metrics.sort(key=lambda m: (m.path, m.line, m.symbol, m.name))
    silenced.sort(key=lambda s: (s.path, s.line, s.tool, s.rule_id, s.marker))
    return Evidence(tuple(findings), tuple(facts), tuple(metrics), tuple(statuses), tuple(silenced))


def _plan(
    index: int,
    analyzer: Analyzer,
    files: Sequence[SourceFile],
    where: AnalysisContext,
    options: Mapping[str, Options],
    cache: Cache | None,
    jobs: int,
) -> _Plan:
    traits = Traits.of(analyzer)
    name = traits.name
    try:
        opts = options.get(name) or analyzer.Options()
        ctx = replace(where, options=opts)
        version = analyzer.version()
    except Exception as exc:  # noqa: BLE001 - a broken adapter is an error status, not a crash
        return _Plan(analyzer, None, error=_one_line(exc))
    plan = _Plan(analyzer, ctx, version)
    if not files:
        return plan
    misses = list(files)
    if cache is not None:
        plan.cache, misses = lookup(analyzer, name, version, ctx, files, cache)
    if misses:
        batches = [misses]
        if traits.splittable and traits.per_file and jobs > 1:
            n = min(jobs, max(1, len(misses) // max(1, int(traits.min_batch))))
            batches = _balanced(misses, n)
        for batch in batches:
            lines = sum(sf.text.count("\n") + 1 for sf in batch)
            cost = traits.startup_s + traits.cost_per_kloc * lines / 1000
            plan.tasks.append(_Task(index, analyzer, batch, ctx, cost))
    return plan


def _balanced(files: list[SourceFile], n: int) -> list[list[SourceFile]]:
    """``n`` batches of about equal size in lines (largest files first, each to the lightest batch)."""
    if n <= 1:
        return [files]
    batches: list[list[SourceFile]] = [[] for _ in range(n)]
    weights = [0] * n
    for sf in sorted(files, key=lambda f: -len(f.text)):
        i = weights.index(min(weights))
        batches[i].append(sf)
        weights[i] += len(sf.text) + 1
    order = {sf.path: i for i, sf in enumerate(files)}
    return [sorted(b, key=lambda f: order[f.path]) for b in batches if b]


# --- execution ---------------------------------------------------------------------------------------------------


def _timeout(task: _Task) -> float:
    return float(task.ctx.options.timeout)


def _picklable(task: _Task) -> bool:
    if type(task.analyzer).__module__ == "__main__":  # a worker has a __main__ of its own
        return False
    try:
        pickle.dumps((task.analyzer, task.ctx))
        return True
    except Exception:  # noqa: BLE001 - closures, local classes: run in a thread instead
        return False


def _execute(tasks: list[_Task], jobs: int) -> None:
    """Run the tasks, at most ``jobs`` workers at once, the most expensive first; unpicklable adapters in threads."""
    if not tasks:
        return
    queue = sorted(tasks, key=lambda t: -t.cost)
    inline = [t for t in queue if not _picklable(t)]
    queue = [t for t in queue if t not in inline]
    threads = [threading.Thread(target=_run_inline, args=(t,), daemon=True) for t in inline]
    for th in threads:
        th.start()
    # Every task of a run shares the scratch tree and the repository: the roots a worker may not import from.
    deny = tuple(str(r) for r in (tasks[0].ctx.workdir, tasks[0].ctx.repo_root) if r is not None)
    path, pinned = procs.child_path(deny), procs.pinned_modules(deny)
    children = procs.Children()

    def argv(result: Path) -> list[str]:
        target: procs.Target = ("call", "reviewbot.analysis_worker:main")
        return procs.python(target, [result], deny=deny, path=path, pinned=pinned, argv0="reviewbot-analyzer")

    try:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="reviewbot-analyzer") as pool:
            futures = [pool.submit(_run_inline, t, children) if wants_in_process(t.analyzer, t.files, t.ctx)
                       else pool.submit(_run_worker, t, argv, children) for t in queue]
            try:
                for future in futures:
                    future.result()
            except BaseException:  # interrupted: end every worker (and, through it, its tools)
                pool.shutdown(wait=False, cancel_futures=True)
                children.stop(STOP_GRACE)
                raise
    finally:
        for th in threads:
            th.join()


def _run_worker(task: _Task, argv: Callable[[Path], list[str]], children: procs.Children) -> None:
    """One task in a worker process (``reviewbot.analysis_worker``), in a session of its own, ended with its tools
    when it overruns the analyzer's timeout plus GRACE."""
    task.started = time.monotonic()
    result: object = None
    try:
        with tempfile.TemporaryDirectory(prefix="reviewbot-worker-") as tmp:
            out = Path(tmp) / "result.pickle"
            payload = pickle.dumps((task.analyzer, task.files, task.ctx))
            run = procs.run(argv(out), timeout=_timeout(task) + GRACE, stdin=payload, grace=STOP_GRACE,
                            children=children)
            if out.is_file():
                result = pickle.loads(out.read_bytes())
    except Exception as exc:  # noqa: BLE001 - e.g. the payload could not be pickled after all
        result = AnalyzerResult(error=f"worker could not be run: {_one_line(exc)}")
    else:
        files = len(task.files)
        if run.timed_out:
            result = AnalyzerResult(error=f"timed out after {_timeout(task):g} s on {files} file{'s' * (files != 1)}")
        elif run.error:
            result = AnalyzerResult(error=f"worker process could not be started: {run.error}")
        elif not isinstance(result, AnalyzerResult):
            tail = [f": {line[:300]}" for line in run.stderr.strip().splitlines()[-1:]]
            result = AnalyzerResult(error=f"worker process died (exit code {run.returncode})" + "".join(tail))
    task.result = result if isinstance(result, AnalyzerResult) else AnalyzerResult(error="no result")
    task.ended = time.monotonic()


def _run_inline(task: _Task, children: procs.Children | None = None) -> None:
    task.started = time.monotonic()
    try:
        with procs.owned_by(children):  # the tools it starts are ended with the workers when the run is interrupted
            task.result = task.analyzer.analyze(task.files, task.ctx)
    except Exception as exc:  # noqa: BLE001
        task.result = AnalyzerResult(error=_one_line(exc))
    task.ended = time.monotonic()


# --- results -----------------------------------------------------------------------------------------------------


def _finish(plan: _Plan, cache: Cache | None, files: Sequence[SourceFile]) -> tuple[AnalyzerStatus, AnalyzerResult]:
    name = Traits.of(plan.analyzer).name
    if plan.error:
        return AnalyzerStatus(name, Status.ERROR, message=plan.error), AnalyzerResult()
    if not files:
        return AnalyzerStatus(name, Status.SKIPPED, plan.version, message="no files to analyze"), AnalyzerResult()
    results = list(plan.cache.results)
    errors: list[str] = []
    for task in plan.tasks:
        result = task.result or AnalyzerResult(error="did not run")
        results.append(result)
        if result.error:
            errors.append(result.error)
        elif cache is not None:
            store(plan.cache, cache, task.files, result)
    seconds = 0.0
    if plan.tasks:
        seconds = max(t.ended for t in plan.tasks) - min(t.started for t in plan.tasks)
    findings = tuple(f for r in results for f in r.findings)
    facts = tuple(f for r in results for f in r.facts)
    metrics = tuple(m for r in results for m in r.metrics)
    notes = tuple(n for r in results for n in r.notes)
    silenced = tuple(s for r in results for s in r.silenced)
    if len(results) > 1:  # cached parts and batches: back into the order of the files, whatever ran when
        facts, metrics, notes = _in_file_order(files, facts, metrics, notes)
    message = ""
    if errors:
        unique = list(dict.fromkeys(errors))
        message = unique[0] if len(unique) == 1 else "; ".join(unique)
        if len(plan.tasks) > 1:
            message += f" ({len(errors)} of {len(plan.tasks)} batches)"
    status = AnalyzerStatus(
        name=name,
        status=Status.ERROR if errors else Status.OK,
        version=plan.version,
        findings=len(findings),
        seconds=round(seconds, 3),
        message=message,
        notes=notes,
        cached=plan.cache.files,
    )
    return status, AnalyzerResult(findings, facts, metrics, message, notes, silenced)


def _in_file_order(
    files: Sequence[SourceFile], facts: tuple[Fact, ...], metrics: tuple[Metric, ...], notes: tuple[str, ...]
) -> tuple[tuple[Fact, ...], tuple[Metric, ...], tuple[str, ...]]:
    order: dict[str, int] = {}
    for i, sf in enumerate(files):
        order.setdefault(sf.path, i)
        if sf.old_path:
            order.setdefault(sf.old_path, i)
    last = len(files)

    def note_index(note: str) -> int:
        path, sep, _ = note.partition(": ")
        return order.get(path, last) if sep else last

    return (
        tuple(sorted(facts, key=lambda f: order.get(f.path, last))),
        tuple(sorted(metrics, key=lambda m: order.get(m.path, last))),
        tuple(sorted(notes, key=note_index)),
    )
