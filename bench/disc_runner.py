"""Discriminator bench: runs the analyzers on the set (memoised by content), then the discriminator on every candidate."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from disc_defects import CATALOGUE, Instance

from reviewbot.contracts import DiscriminatorOptions, ReviewInput
from reviewbot.discriminator.core import Discriminator
from reviewbot.discriminator.syntax import text_hash
from reviewbot.models import AnalyzerStatus, Candidate, Comment, Evidence, Finding, Fix, Metric, SourceFile
from reviewbot.static_reviewer import candidate_from


def make_runner(names: Sequence[str], timeout: float = 1800.0) -> Callable[[Sequence[SourceFile], Path], Evidence]:
    """The project's analyzer runner over a batch, with long timeouts (a benchmark batch holds ~1000 files)."""
    from reviewbot.analyzers import load

    from reviewbot.analysis import run_analyzers

    adapters = [load(n) for n in names]
    options = {a.name: a.Options(timeout=timeout) for a in adapters}

    def run(files: Sequence[SourceFile], workdir: Path) -> Evidence:
        return run_analyzers(adapters, files, workdir, options, repo_root=None, rev=None, cache=None)

    return run


class Memo:
    """Re-analysis memoised by file content, so ablations do not re-run the analyzers."""

    def __init__(self, run: Callable[[Sequence[SourceFile], Path], Evidence]) -> None:
        self.run = run
        self.cache: dict[tuple[str, str | None], tuple[list[Finding], list[Metric]]] = {}
        self.statuses: tuple[AnalyzerStatus, ...] = ()
        self.calls = 0
        self.files = 0

    def __call__(self, files: Sequence[SourceFile], workdir: Path) -> Evidence:
        todo = [sf for sf in files if (sf.text, sf.before) not in self.cache]
        if todo:
            self.calls += 1
            self.files += len(todo)
            ev = self.run(todo, workdir)
            self.statuses = ev.statuses
            by_path: dict[str, tuple[list[Finding], list[Metric]]] = {sf.path: ([], []) for sf in todo}
            for f in ev.findings:
                if f.path in by_path:
                    by_path[f.path][0].append(f)
            for m in ev.metrics:
                if m.path in by_path:
                    by_path[m.path][1].append(m)
            for sf in todo:
                self.cache[(sf.text, sf.before)] = by_path[sf.path]
        findings: list[Finding] = []
        metrics: list[Metric] = []
        for sf in files:
            fs, ms = self.cache[(sf.text, sf.before)]
            findings += [replace(f, path=sf.path) for f in fs]
            metrics += [replace(m, path=sf.path) for m in ms]
        return Evidence(tuple(findings), (), tuple(metrics), self.statuses)


def analyze_instances(instances: Sequence[Instance], run: Memo) -> tuple[dict[str, list[Finding]], dict[str, set[str]]]:
    """Findings of each defective file, and which analyzers flag the injected defect (on its line, absent before)."""
    files: list[SourceFile] = []
    for inst in instances:
        n = len(inst.text.splitlines())
        files.append(SourceFile(inst.path, inst.text, added_lines=frozenset(range(1, n + 1)), hunks=((1, n),)))
        m = len(inst.original_text.splitlines())
        files.append(SourceFile("orig/" + inst.path, inst.original_text, added_lines=frozenset(range(1, m + 1)),
                                hunks=((1, m),)))
    with tempfile.TemporaryDirectory(prefix="bench-disc-") as tmp:
        for sf in files:
            target = Path(tmp) / sf.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(sf.text, encoding="utf-8")
        ev = run(files, Path(tmp))
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in ev.findings:
        by_path[f.path].append(f)
    found: dict[str, list[Finding]] = {}
    detected: dict[str, set[str]] = {}
    for inst in instances:
        before = {(f.tool, f.rule_id, f.line) for f in by_path.get("orig/" + inst.path, [])}
        found[inst.path] = by_path.get(inst.path, [])
        detected[inst.path] = {
            f.origin for f in found[inst.path]
            if f.line <= inst.line <= max(f.line, f.end_line) and (f.tool, f.rule_id, f.line) not in before
        }
    return found, detected


# ---------------------------------------------------------------------------------------------------------------
# Candidates and judging


@dataclass


class Judged:
    inst: Instance
    cands: list[Candidate]
    correct: list[bool]
    kinds: list[str]
    comments: list[Comment] = field(default_factory=list)


def candidates_for(inst: Instance, findings: Sequence[Finding], detected: set[str]) -> Judged:
    cites = tuple(f.fingerprint for f in findings if f.origin in detected and f.line <= inst.line <= f.end_line)
    severity = CATALOGUE[inst.cls][1]
    orig_hash = text_hash(inst.original_text)
    lines = inst.text.splitlines(keepends=True)
    cands: list[Candidate] = []
    correct: list[bool] = []
    kinds: list[str] = []
    for k, (kind, replacement, conf) in enumerate(inst.candidates):
        fix = Fix(inst.line, inst.line, replacement + "\n")
        patched = "".join(lines[: inst.line - 1]) + fix.replacement + "".join(lines[inst.line :])
        cands.append(
            Candidate(inst.path, inst.line, inst.line, severity, f"{inst.cls}: proposed fix",
                      f"llm:bench#{k}", fix=fix, confidence=round(conf, 2), cites=cites)
        )
        correct.append(text_hash(patched) == orig_hash)
        kinds.append(kind)
    # Static findings on the defect line are candidates too (a semgrep autofix is a fix candidate).
    for f in findings:
        if f.origin in detected and f.line <= inst.line <= max(f.line, f.end_line):
            c = candidate_from(f)
            cands.append(c)
            if c.fix is not None:
                patched = "".join(lines[: c.fix.start_line - 1]) + c.fix.replacement + "".join(lines[c.fix.end_line :])
                correct.append(text_hash(patched) == orig_hash)
                kinds.append("autofix")
            else:
                correct.append(False)
                kinds.append("static")
    return Judged(inst, cands, correct, kinds)


def judge_all(
    judged: Sequence[Judged],
    reanalyze: Memo | None,
    files: dict[str, SourceFile],
    findings: Sequence[Finding],
    verify: bool,
) -> None:
    all_cands = [c for j in judged for c in j.cands]
    evidence = Evidence(findings=tuple(findings))
    inp = ReviewInput(None, tuple(files.values()), evidence, Path("."), None, None)  # type: ignore[arg-type]
    comments, _notes = Discriminator(reanalyze, DiscriminatorOptions(verify=verify)).judge(all_cands, inp)
    it = iter(comments)
    for j in judged:
        j.comments = [next(it) for _ in j.cands]
