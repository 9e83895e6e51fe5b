"""Whole reviews on real release diffs: what a user waits for, cold and again, against the four tools' own CLIs.

Each case is a real release range of a project, built from its PyPI source distributions exactly as
bench/static_real.py builds its cases (old release committed as ``base``, new one as ``head``; its builder is
reused), plus the demo patch of examples/. For each case, in one go:

- the whole review, ``reviewbot review --base base --head head --format json`` (the demo: ``--patch
  examples/demo.patch``), LLM off, default settings, with a fresh cache directory: **cold**;
- the same command again with that cache, nothing changed: **again** (the report must come out the same);
- the four tools' own CLIs one after another on the files the review read (their post-images): pylint with its
  defaults, bandit, radon cc and mi, semgrep with reviewbot's rule pack (bench/analyzers.py's ``sequential_clis``);
- peak memory of the whole process tree (reviewbot, its workers and tools), sampled every 50 ms from /proc.

It prints a table with the ratios (targets: cold <= 0.5x the CLIs on a 200-file range, again <= 0.05x cold, peak
memory <= 1 GB) and each stage's share of the cold and the warm run (from ``-v``'s progress lines). Timings on a
shared machine are noisy: compare the ratios of one run, and ``--repeat 2`` to see how much they move.

Usage:
    python bench/speed_real.py fetch [--cache DIR]         # pip download the sdists (the only step with network)
    python bench/speed_real.py run [--cache DIR] [--only NAME] [--no-demo] [--repeat N] [--json OUT] [--before DIR]
``--only demo`` measures the demo alone. ``--before DIR`` also measures each case with the reviewbot package of an
earlier checkout (``git archive REV | tar -x -C DIR``), in the same run; the end prints the medians over the runs.
The cache defaults to bench/static_real.py's; cases whose sdists are missing are skipped with a message.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEMO_PATCH = ROOT / "examples" / "demo.patch"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


static_real = _load("bench_static_real", HERE / "static_real.py")
bench_analyzers = _load("bench_analyzers", HERE / "analyzers.py")

# Release ranges of three projects; sphinx 7.2.6..7.3.0 reviews over 300 changed Python files.
PAIRS = (
    static_real.Pair("sphinx", "7.2.6", "7.3.0"),
    static_real.Pair("pytest", "7.4.4", "8.0.0"),
    static_real.Pair("click", "8.1.7", "8.1.8"),
)
TARGET_COLD = 0.5  # cold whole review / sequential CLIs (200-file range)
TARGET_AGAIN = 0.05  # unchanged re-run / cold
TARGET_MEMORY_MB = 1024
_STEP = re.compile(r"^reviewbot: (?P<what>.+?) \[(?P<at>[0-9.]+)s\]$")


@dataclass
class Run:
    seconds: float
    peak_mb: float
    report: dict[str, Any]
    steps: list[tuple[str, float]] = field(default_factory=list)  # (progress line, seconds since start)

    def stages(self) -> dict[str, float]:
        """Seconds between one progress line and the next, by its first word (reading, analyzing, ranking,
        verifying, re-analysing); "rest": interpreter start, configuration, the last step and the output."""
        out: dict[str, float] = {}
        for (what, at), (_, nxt) in zip(self.steps, self.steps[1:]):
            word = what.split()[0]
            out[word] = out.get(word, 0.0) + (nxt - at)
        span = self.steps[-1][1] - self.steps[0][1] if self.steps else 0.0
        out["rest"] = self.seconds - span
        return out


def _env(cache: Path, src: Path | None = None) -> dict[str, str]:
    """The review's environment: no REVIEWBOT_* or GIT_* of the caller, the LLM off, this cache; bytecode written
    and read as an installed package's is (PYTHONDONTWRITEBYTECODE dropped). ``src``: run the reviewbot package of
    that checkout instead of the installed one (``--before``)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REVIEWBOT_", "GIT_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(REVIEWBOT_LLM_PROVIDER="none", REVIEWBOT_CACHE_DIR=str(cache))
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def review(cwd: Path, args: Sequence[str], cache: Path, src: Path | None = None) -> Run:
    """One whole review (``reviewbot review ARGS --format json -v``) in ``cwd``, timed, with the peak memory of the
    process tree."""
    cmd = [str(Path(sys.executable).with_name("reviewbot")), "review", *args, "--format", "json", "-v"]

    def go() -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, cwd=cwd, env=_env(cache, src), capture_output=True, text=True)

    seconds, peak, proc = bench_analyzers.timed(go)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"reviewbot failed in {cwd} ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    steps = [(m["what"], float(m["at"])) for m in map(_STEP.match, proc.stderr.splitlines()) if m]
    return Run(seconds, peak / 2**20, json.loads(proc.stdout), steps)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The two reports say the same (the run's timings and cache counts aside)."""
    def strip(r: dict[str, Any]) -> dict[str, Any]:
        r = json.loads(json.dumps(r))
        r.pop("stats", None)
        for s in r.get("summary", {}).get("analyzers", []):
            s.pop("seconds", None)
            s.pop("cached", None)
        return r

    return strip(a) == strip(b)


def clis(files: dict[str, str], rules_dir: Path) -> tuple[float, dict[str, float]]:
    """The four tools' CLIs one after another on ``files`` (path -> text) written to a scratch directory."""
    from reviewbot.analyzers.base import SourceFile

    with tempfile.TemporaryDirectory(prefix="speed-real-cli-") as tmp:
        work = Path(tmp)
        sources = [SourceFile(path, text) for path, text in files.items()]
        bench_analyzers.materialize(work, sources)
        rules = bench_analyzers.snapshot_rules(rules_dir)
        started = time.monotonic()
        parts = bench_analyzers.sequential_clis(work, sources, rules)
        return time.monotonic() - started, parts


def _git_text(repo: Path, rev: str, path: str) -> str:
    out = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=repo, capture_output=True, check=True).stdout
    return out.decode("utf-8", "replace")


@dataclass
class Case:
    name: str
    cwd: Path
    args: tuple[str, ...]
    texts: Any  # (report) -> {path: post-image text}


def measure(case: Case, before: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="speed-real-") as tmp:
        earlier: dict[str, Any] = {}
        if before is not None:  # the same case with the earlier checkout first, each with its own empty cache
            b_cold = review(case.cwd, case.args, Path(tmp) / "cache-before", before)
            b_again = review(case.cwd, case.args, Path(tmp) / "cache-before", before)
            earlier = {"before_cold_s": b_cold.seconds, "before_again_s": b_again.seconds}
        cache = Path(tmp) / "cache"
        cold = review(case.cwd, case.args, cache)
        again = review(case.cwd, case.args, cache)
        files = case.texts(cold.report)
        cli_s, parts = clis(files, Path(tmp) / "rules")
    lines = sum(t.count("\n") for t in files.values())
    return {
        "case": case.name, "files": len(files), "lines": lines,
        "cold_s": cold.seconds, "again_s": again.seconds, "cli_s": cli_s, "cli_parts": parts,
        "cold_peak_mb": cold.peak_mb, "again_peak_mb": again.peak_mb,
        "cold_stages": cold.stages(), "again_stages": again.stages(),
        "same_report": _same(cold.report, again.report),
        "posted": len(cold.report.get("comments", [])),
        **earlier,
    }


def demo_case() -> Case:
    def texts(report: dict[str, Any]) -> dict[str, str]:
        return {p: (ROOT / p).read_text(encoding="utf-8") for p in report["summary"]["files_reviewed"]}

    return Case("demo (examples/demo.patch)", ROOT, ("--patch", str(DEMO_PATCH)), texts)


def pair_case(pair: Any, repo: Path) -> Case:
    def texts(report: dict[str, Any]) -> dict[str, str]:
        return {p: _git_text(repo, "head", p) for p in report["summary"]["files_reviewed"]}

    return Case(pair.id, repo, ("--base", "base", "--head", "head"), texts)


HEADER = (f"{'case':<28} {'files':>5} {'lines':>7} {'cold':>7} {'again':>6} {'CLIs':>7} {'cold/CLIs':>9} "
          f"{'again/cold':>10} {'peak MB':>7} same")


def row(m: dict[str, Any]) -> str:
    return (f"{m['case']:<28} {m['files']:>5} {m['lines']:>7} {m['cold_s']:>6.1f}s {m['again_s']:>5.2f}s "
            f"{m['cli_s']:>6.1f}s {m['cold_s'] / m['cli_s']:>9.2f} {m['again_s'] / m['cold_s']:>10.3f} "
            f"{max(m['cold_peak_mb'], m['again_peak_mb']):>7.0f} {'yes' if m['same_report'] else 'NO'}")


def detail(m: dict[str, Any]) -> str:
    def fmt(stages: dict[str, float]) -> str:
        return ", ".join(f"{k} {v:.2f}s" for k, v in stages.items())

    cli = ", ".join(f"{k} {v:.1f}s" for k, v in m["cli_parts"].items())
    out = (f"    cold:  {fmt(m['cold_stages'])}\n    again: {fmt(m['again_stages'])}\n    CLIs:  {cli}; "
           f"{m['posted']} comments posted")
    if "before_cold_s" in m:
        out += (f"\n    before: cold {m['before_cold_s']:.2f}s, again {m['before_again_s']:.2f}s, again/cold "
                f"{m['before_again_s'] / m['before_cold_s']:.3f}")
    return out


def medians(results: Sequence[dict[str, Any]]) -> str:
    """Per case, the median over the runs of again/cold (and of the earlier checkout's, with --before)."""
    out = []
    for case in dict.fromkeys(r["case"] for r in results):
        runs = [r for r in results if r["case"] == case]
        line = (f"{case:<28} again/cold median {statistics.median(r['again_s'] / r['cold_s'] for r in runs):.3f} "
                f"(again {statistics.median(r['again_s'] for r in runs):.2f}s, cold "
                f"{statistics.median(r['cold_s'] for r in runs):.2f}s)")
        if all("before_cold_s" in r for r in runs):
            line += (f"; before {statistics.median(r['before_again_s'] / r['before_cold_s'] for r in runs):.3f} "
                     f"(again {statistics.median(r['before_again_s'] for r in runs):.2f}s, cold "
                     f"{statistics.median(r['before_cold_s'] for r in runs):.2f}s)")
        out.append(line)
    return "\n".join(out)


def run(pairs: Sequence[Any], cache: Path, demo: bool, repeat: int, as_json: Path | None,
        before: Path | None = None) -> int:
    sdists, repos = cache / "sdists", cache / "repos"
    cases: list[Case] = [demo_case()] if demo else []
    for pair in pairs:
        repo = static_real.prepare(pair, sdists, repos)
        if repo is None:
            print(f"speed_real: {pair.id} skipped, its sdists are not in {sdists} "
                  f"(run `python bench/speed_real.py fetch` first; it needs the package registry)")
            continue
        cases.append(pair_case(pair, repo))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    results = []
    for n in range(repeat):
        print(f"\nrun {n + 1} of {repeat} (targets: cold/CLIs <= {TARGET_COLD} on a 200-file range, again/cold <= "
              f"{TARGET_AGAIN}, peak <= {TARGET_MEMORY_MB} MB)")
        print(HEADER)
        for case in cases:
            m = measure(case, before)
            results.append({**m, "run": n + 1})
            print(row(m), flush=True)
            print(detail(m), flush=True)
    print(f"\nmedians of {repeat} run(s):\n{medians(results)}")
    if as_json is not None:
        as_json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("command", choices=("fetch", "run"))
    ap.add_argument("--cache", type=Path, default=static_real.default_cache(), help="sdists and case repositories")
    ap.add_argument("--only", action="append", default=[], help="only this project (repeatable)")
    ap.add_argument("--no-demo", action="store_true", help="leave out the demo patch")
    ap.add_argument("--repeat", type=int, default=1, help="measure everything this many times")
    ap.add_argument("--json", type=Path, default=None, help="write the measurements here")
    ap.add_argument("--before", type=Path, default=None,
                    help="a checkout of an earlier reviewbot (its folder holding the reviewbot package): each case "
                         "is also reviewed cold and again with it, in the same run")
    args = ap.parse_args(argv)
    pairs = [p for p in PAIRS if not args.only or p.name in args.only]
    if args.command == "fetch":
        return int(static_real.fetch(pairs, args.cache / "sdists"))
    return run(pairs, args.cache, not args.no_demo, max(1, args.repeat), args.json, args.before)


if __name__ == "__main__":
    sys.exit(main())
