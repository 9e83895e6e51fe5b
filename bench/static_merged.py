"""reviewbot's static path (no LLM) on single real merged pull requests of well-kept pure-Python projects.

Each case is one merged pull request, pinned by commit in bench/static_merged/cases.json: a first-parent merge
commit ("Merge pull request #N ...", base = its first parent) or a squash-merged commit ("... (#N)", base = its
parent) of the project's main line, touching at least one Python file with 1 to 2,000 added Python lines. The case
repository is a shared clone of a bare snapshot already on this machine (``$REVIEWBOT_SNAPSHOTS``, default
/work/.mirror; nothing is downloaded), checked out at the commit, and ``reviewbot review --base PARENT --head COMMIT
--format json`` runs in it the way a CI job on the pull request would: LLM off (``REVIEWBOT_LLM_PROVIDER=none``),
default settings otherwise, no analyzer cache.

A fixed hash of the commit puts each case in ``train`` or ``heldout``; noise is studied on train only.

Targets (issue 14, static only): at most 10 % of the changes with any posted comment, at most 1 posted comment per
1,000 added Python lines, no name/redefinition comment at warning or error level on a fixture / test-data file.

Usage:
    python bench/static_merged.py select [--per-project 30]      # (re)pick the cases from the snapshots' history
    python bench/static_merged.py run [--split train|heldout|all] [--only PROJECT] [--json OUT] [--show] [-j 2]
    python bench/static_merged.py score --json OUT [--split ...] [--show]   # a saved run with the current labels
``run`` skips with a message when the snapshots are absent. ``--show`` prints every posted comment with its label key.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import static_scoring as scoring
from realeval.cases import DEFAULT_SNAPSHOTS, Case, build, snapshot
from static_scoring import HEADER, CaseMetrics, parse_numstat, row

HERE = Path(__file__).resolve().parent
DATA = HERE / "static_merged"
CASES_FILE = DATA / "cases.json"
LABELS_FILE = DATA / "labels.json"
MAX_ADDED = 2000
HELDOUT_SHARE = 0.5
# Projects this bench must never use: reserved for other evaluations.
RESERVED = frozenset({
    "black", "cookiecutter", "fastapi", "httpie", "luigi", "pysnooper", "sanic", "scrapy", "thefuck", "tornado", "tqdm",
    "ansible", "keras", "spacy", "youtube-dl", "matplotlib", "pandas",
})
PROJECTS = {  # project -> snapshot (owner/name)
    "click": "pallets/click",
    "attrs": "python-attrs/attrs",
    "requests": "psf/requests",
    "marshmallow": "marshmallow-code/marshmallow",
    "httpx": "encode/httpx",
}
_MERGE_PR = re.compile(r"^Merge pull request #(\d+)\b")
_SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")


@dataclass(frozen=True)
class MergedCase:
    """One merged pull request: the change from ``parent`` to ``commit``."""

    project: str
    number: int
    commit: str
    parent: str
    added: int  # added Python lines
    split: str  # train | heldout

    @property
    def id(self) -> str:
        return f"{self.project}#{self.number}"

    def as_case(self) -> Case:
        """The realeval case that builds this repository (a ``clean`` case: base = parent, head = the real commit)."""
        slug = hashlib.sha1(self.commit.encode()).hexdigest()[:8]
        return Case(id=f"{self.project}-{self.number}-{slug}", kind="clean", project=self.project, origin=self.id,
                    base=self.parent, split=self.split, head=self.commit)


def split_of(commit: str) -> str:
    """``train`` or ``heldout``, by a fixed hash of the commit id (about HELDOUT_SHARE held out)."""
    h = int(hashlib.sha256(f"static-merged:{commit}".encode()).hexdigest()[:8], 16)
    return "heldout" if h / 0xFFFFFFFF < HELDOUT_SHARE else "train"


def pr_number(subject: str, parents: int) -> int | None:
    """The pull request a main-line commit merged: a merge commit "Merge pull request #N ..." or a single-parent
    (squash) commit whose subject ends with "(#N)"; None for anything else (direct pushes, branch merges)."""
    m = _MERGE_PR.match(subject) if parents == 2 else _SQUASH_PR.search(subject) if parents == 1 else None
    return int(m.group(1)) if m else None


def _git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, env={**env, "GIT_CONFIG_NOSYSTEM": "1"})
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {repo}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def merged_prs(repo: Path, ref: str = "HEAD") -> Iterator[tuple[str, str, int]]:
    """(commit, first parent, pull request number) of the main line's merged pull requests, newest first."""
    for line in _git(repo, "log", "--first-parent", "--format=%H %P%x09%s", ref).splitlines():
        shas, _, subject = line.partition("\t")
        commit, *parents = shas.split()
        number = pr_number(subject, len(parents))
        if number is not None:
            yield commit, parents[0], number


def pick(project: str, repo: Path, per_project: int, max_added: int = MAX_ADDED, ref: str = "HEAD") -> list[MergedCase]:
    """The newest ``per_project`` merged pull requests of ``repo`` that add 1..max_added Python lines."""
    out: list[MergedCase] = []
    seen: set[int] = set()
    for commit, parent, number in merged_prs(repo, ref):
        if len(out) >= per_project:
            break
        if number in seen:  # a pull request merged twice (reverted and re-landed): keep the newest
            continue
        added = sum(parse_numstat(_git(repo, "diff", "--numstat", "--no-renames", parent, commit)).values())
        if 1 <= added <= max_added:
            seen.add(number)
            out.append(MergedCase(project, number, commit, parent, added, split_of(commit)))
    return out


def load_cases(path: Path = CASES_FILE) -> list[MergedCase]:
    return [MergedCase(**c) for c in json.loads(path.read_text())["cases"]]


def select(snapshots: Path, per_project: int, out: Path = CASES_FILE) -> int:
    cases: list[MergedCase] = []
    for project, slug in PROJECTS.items():
        assert project not in RESERVED
        snap = snapshot(slug, snapshots)
        if snap is None:
            print(f"static_merged: no snapshot of {slug} under {snapshots}; not selected", file=sys.stderr)
            continue
        got = pick(project, snap, per_project)
        print(f"{project}: {len(got)} merged pull requests ({sum(c.split == 'heldout' for c in got)} held out)")
        cases.extend(got)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "about": "Merged pull requests of well-kept pure-Python projects (first-parent 'Merge pull request #N' merges "
                 "or squash-merged '(#N)' commits), each adding 1..2,000 Python lines; base = parent, head = commit. "
                 "Picked by `python bench/static_merged.py select` from the snapshots' history, newest first.",
        "snapshots": PROJECTS,
        "cases": [asdict(c) for c in cases],
    }, indent=1) + "\n")
    return 0


def review(repo: Path, base: str, head: str, reviewbot: Sequence[str]) -> dict[str, Any]:
    """``reviewbot review`` of one pull request, LLM off, default settings, no analyzer cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEWBOT_", "GIT_"))}
    env["REVIEWBOT_LLM_PROVIDER"] = "none"
    proc = subprocess.run([*reviewbot, "review", "--base", base, "--head", head, "--format", "json", "-q",
                           "--no-cache"], cwd=repo, env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"reviewbot failed in {repo} ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


def chosen(cases: Sequence[MergedCase], split: str, only: Sequence[str]) -> list[MergedCase]:
    return [c for c in cases if (split == "all" or c.split == split) and (not only or c.project in only)]


def metrics(case: MergedCase, report: Mapping[str, Any], added: Mapping[str, int],
            labels: scoring.Labels) -> CaseMetrics:
    return scoring.case_metrics(case.id, report, added, labels)


def run(cases: Sequence[MergedCase], snapshots: Path, work: Path, as_json: Path | None, show: bool,
        jobs: int, reviewbot: Sequence[str]) -> int:
    snaps = {p: snapshot(slug, snapshots) for p, slug in PROJECTS.items() if any(c.project == p for c in cases)}
    missing = sorted(PROJECTS[p] for p, s in snaps.items() if s is None)
    if missing:
        print(f"static_merged: skipped, no snapshot of {', '.join(missing)} under {snapshots} (bare git "
              f"repositories owner+name/repo; set REVIEWBOT_SNAPSHOTS or --snapshots)")
        return 0
    labels = scoring.load_labels(LABELS_FILE)

    def one(case: MergedCase) -> tuple[MergedCase, dict[str, Any], dict[str, int], float]:
        snap = snaps[case.project]
        assert snap is not None
        built = build(case.as_case(), snap, work / "repos")
        started = time.monotonic()
        report = review(built.repo, case.parent, case.commit, reviewbot)
        added = parse_numstat(_git(built.repo, "diff", "--numstat", "--no-renames", case.parent, case.commit))
        return case, report, added, time.monotonic() - started

    results: list[CaseMetrics] = []
    saved: dict[str, Any] = {}
    print(HEADER)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for case, report, added, seconds in pool.map(one, cases):
            m = metrics(case, report, added, labels)
            results.append(m)
            saved[case.id] = {"added": added, "seconds": round(seconds, 1), "report": report}
            print(row(m, case.id), flush=True)
            if show:
                scoring.show(case.id, report)
    report_totals(cases, results)
    if as_json is not None:
        as_json.write_text(json.dumps({"cases": saved}, indent=1) + "\n")
    return 0


def score(cases: Sequence[MergedCase], saved: Path, show: bool) -> int:
    """The tables of a saved ``run --json`` file with the current labels (re-labelling needs no new run)."""
    data = json.loads(saved.read_text())["cases"]
    labels = scoring.load_labels(LABELS_FILE)
    results = []
    print(HEADER)
    for case in cases:
        if case.id not in data:
            continue
        m = metrics(case, data[case.id]["report"], data[case.id]["added"], labels)
        results.append(m)
        print(row(m, case.id))
        if show:
            scoring.show(case.id, data[case.id]["report"])
    report_totals([c for c in cases if c.id in data], results)
    return 0


def report_totals(cases: Sequence[MergedCase], results: Sequence[CaseMetrics]) -> None:
    """Per split and per project, then the total with the rule breakdown and the target lines."""
    by_id = {c.id: c for c in cases}
    print()
    for split in ("train", "heldout"):
        part = [m for m in results if by_id[m.case].split == split]
        if part and len(part) < len(results):
            print(row(scoring.totals(part), split))
    for project in PROJECTS:
        part = [m for m in results if by_id[m.case].project == project]
        if part and len(part) < len(results):
            print(row(scoring.totals(part), project))
    scoring.summarize(results, by_rule=True)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("select", "run", "score"))
    ap.add_argument("--snapshots", type=Path, default=DEFAULT_SNAPSHOTS, help="folder of the bare git snapshots")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "reviewbot-static-merged",
                    help="case repositories (shared clones of the snapshots)")
    ap.add_argument("--split", choices=("train", "heldout", "all"), default="all")
    ap.add_argument("--only", action="append", default=[], help="only the cases of this project (repeatable)")
    ap.add_argument("--per-project", type=int, default=30, help="select: merged pull requests per project")
    ap.add_argument("--json", type=Path, default=None,
                    help="run: write the added lines and the full reports here; score: read them")
    ap.add_argument("--show", action="store_true", help="print every posted comment with its label key")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="reviews run in parallel")
    ap.add_argument("--reviewbot", default=str(Path(sys.executable).with_name("reviewbot")),
                    help="the command that runs reviewbot (e.g. another checkout's: 'env PYTHONPATH=DIR python -m "
                         "reviewbot'); default: this venv's")
    args = ap.parse_args(argv)
    if args.command == "select":
        return select(args.snapshots, args.per_project)
    cases = chosen(load_cases(), args.split, args.only)
    if args.command == "score":
        if args.json is None:
            ap.error("score needs --json FILE (written by run --json)")
        return score(cases, args.json, args.show)
    return run(cases, args.snapshots, args.work, args.json, args.show, args.jobs, shlex.split(args.reviewbot))


if __name__ == "__main__":
    sys.exit(main())
