"""Benchmark of the analyzer stage on large real-world changes.

    python bench/analyzers.py [--stdlib N] [--synthetic N] [--jobs N] [--no-cli] [--llm]

Two scenarios:

- ``stdlib``: the running interpreter's standard library (top-level modules of ``Lib/``, the first N by name, all
  by default), reviewed as ``--all-files`` would: every line added, no pre-image.
- ``synthetic``: a 200-file diff in a scratch git repository: stdlib modules of every size (2-60 KB, tests left
  out) committed, then every file changed (its first function gains a required first parameter, a statement is
  added), so the facts analyzer also searches the repository for callers (and finds them). Reviewed as
  ``reviewbot review`` does by default, reporting on the hunks (semgrep scans focused copies); the CLIs get whole
  files, as a user running them by hand would.

Both sides run a snapshot of reviewbot's rule pack taken at the start (the pack may be edited meanwhile). The
facts and radon analyzers run as they do without an LLM configured (the default): no descriptions of every
changed def, no maintainability index; ``--llm`` times them with what an LLM reviewer's prompts would get.

For each it prints the wall time of reviewbot's analyzer stage (``run_analyzers`` with all five built-in
analyzers, cold cache), of the four tools' own CLIs run one after another on the same files (pylint, bandit,
radon cc + mi, semgrep with reviewbot's rule pack), their ratio, the cached re-run, and the peak memory of the
whole process tree (sampled every 50 ms from /proc). Targets: stage <= 0.5x the sequential CLIs cold, <= 0.05x
cached, peak memory <= 1 GB for 200 files.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reviewbot.models import SourceFile
from reviewbot.analyzers.facts import FactsOptions
from reviewbot.analyzers.radon import RadonOptions
from reviewbot.analyzers.semgrep import Semgrep, SemgrepOptions

from reviewbot import analyzers as registry
from reviewbot.analysis import run_analyzers
from reviewbot.cache import Cache

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class TreeMemory:
    """Peak resident memory of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        root = os.getpid()
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(root))
            self._stop.wait(self.interval)


def _tree_rss(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm", encoding="utf-8") as fh:
                pages = int(fh.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = pages * PAGE
    total = 0
    for pid in rss:
        p = pid
        for _ in range(64):
            if p == root:
                total += rss[pid]
                break
            p = parents.get(p, 0)
            if p <= 1:
                break
    return total


def stdlib_files(limit: int | None) -> tuple[Path, list[str]]:
    lib = Path(sysconfig.get_paths()["stdlib"])
    names = sorted(p.name for p in lib.glob("*.py") if p.is_file() and not p.is_symlink())
    return lib, names[:limit] if limit else names


def all_files_sources(root: Path, names: Sequence[str]) -> list[SourceFile]:
    out = []
    for name in names:
        text = (root / name).read_text(encoding="utf-8", errors="replace")
        n = text.count("\n") + (0 if text.endswith("\n") else 1)
        out.append(SourceFile(name, text, None, None, frozenset(range(1, n + 1)), ((1, max(n, 1)),)))
    return out


_DEF = re.compile(r"^def (\w+)\(([^)]*)\):", re.MULTILINE)


def _mutate(text: str, i: int) -> tuple[str, set[int]]:
    """Give the first top-level function a new required parameter and add a few lines to it."""
    m = _DEF.search(text)
    if m is None:
        lines = text.splitlines(keepends=True)
        lines.append(f"\n\ndef added_{i}(x):\n    if x:\n        return x + {i}\n    return None\n")
        new = "".join(lines)
        start = len(text.splitlines()) + 1
        return new, set(range(start, new.count("\n") + 2))
    params = m.group(2).strip()  # the new required parameter goes first: valid whatever the others are
    new_params = f"bench_flag_{i}, {params}" if params else f"bench_flag_{i}"
    header = f"def {m.group(1)}({new_params}):"
    line = text.count("\n", 0, m.start()) + 1
    if text[m.end() : m.end() + 1] != "\n":  # a one-line def (``def f(): pass``): change the header only
        return text[: m.start()] + header + text[m.end() :], {line}
    body = f"\n    if bench_flag_{i}:\n        pass"
    return text[: m.start()] + header + body + text[m.end() :], {line, line + 1, line + 2}


def synthetic_repo(base: Path, count: int) -> tuple[Path, list[SourceFile]]:
    lib = Path(sysconfig.get_paths()["stdlib"])
    skip = {"test", "tests", "site-packages", "idlelib", "turtledemo", "lib2to3", "__pycache__", "dist-packages"}
    pool = [
        p for p in lib.rglob("*.py")
        if not skip & set(p.relative_to(lib).parts) and p.is_file() and not p.is_symlink()
        and 2_000 < p.stat().st_size < 60_000
    ]
    by_size = sorted(pool, key=lambda p: (p.stat().st_size, str(p)))
    step = max(1.0, len(by_size) / count)  # evenly spread over the sizes: small and large modules alike
    middle = [by_size[int(i * step)].relative_to(lib).as_posix() for i in range(min(count, len(by_size)))]
    repo = base / "repo"
    (repo / "pkg").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q")
    for name in middle:
        (repo / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lib / name, repo / "pkg" / name)
    (repo / "pkg" / "__init__.py").write_text("")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    files = []
    for i, name in enumerate(middle):
        path = f"pkg/{name}"
        before = (repo / path).read_text(encoding="utf-8", errors="replace")
        after, added = _mutate(before, i)
        (repo / path).write_text(after, encoding="utf-8")
        hunks = ((min(added), max(added)),) if added else ()
        files.append(SourceFile(path, after, before, None, frozenset(added), hunks))
    return repo, files


def materialize(workdir: Path, files: Sequence[SourceFile]) -> None:
    for sf in files:
        target = workdir / sf.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sf.text, encoding="utf-8", newline="")


def timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    with TreeMemory() as mem:
        start = time.monotonic()
        value = fn()
        seconds = time.monotonic() - start
    return seconds, mem.peak, value


def snapshot_rules(dest: Path) -> list[Path]:
    """A copy of reviewbot's rule pack, so that both sides run the same rules even if the pack is edited meanwhile."""
    from reviewbot import rulepack

    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i, rule in enumerate(rulepack.pack_files()[0]):
        target = dest / f"{i:03d}-{rule.label.rsplit('/', 1)[-1]}"
        target.write_text(rule.text, encoding="utf-8")
        out.append(target)
    return out


def sequential_clis(workdir: Path, files: Sequence[SourceFile], rules: Sequence[Path]) -> dict[str, float]:
    """The four tools' own CLIs with their defaults, one after another, on the same files."""
    bindir = Path(sys.executable).parent
    targets = [str(workdir / sf.path) for sf in files]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    cmds = {
        "pylint": [sys.executable, "-m", "pylint", "--persistent=n", *targets],
        "bandit": [sys.executable, "-m", "bandit", "-q", "-f", "json", *targets],
        "radon": [str(bindir / "radon"), "cc", "-j", *targets],
        "radon-mi": [str(bindir / "radon"), "mi", "-j", *targets],
        "semgrep": [str(bindir / "semgrep"), "scan", "--metrics=off", "--disable-version-check", "--json", "--quiet",
                    *(a for r in rules for a in ("--config", r)), *targets],
    }
    out = {}
    with tempfile.TemporaryDirectory() as cwd:
        for name, cmd in cmds.items():
            start = time.monotonic()
            subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            out[name] = time.monotonic() - start
    return out


def scenario(
    name: str,
    files: list[SourceFile],
    repo_root: Path | None,
    jobs: int | None,
    cli: bool,
    scope: str = "file",
    llm: bool = False,
) -> dict[str, Any]:
    lines = sum(sf.text.count("\n") for sf in files)
    print(f"\n== {name}: {len(files)} files, {lines} lines, jobs={jobs or os.cpu_count()}, scope={scope}, "
          f"prompt-only evidence {'on (as with an LLM)' if llm else 'off (no LLM, the default)'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="reviewbot-bench-") as tmp:
        workdir = Path(tmp) / "tree"
        workdir.mkdir()
        materialize(workdir, files)
        cache = Cache(Path(tmp) / "cache")
        rules = snapshot_rules(Path(tmp) / "rules")
        # semgrep runs the snapshot of the pack (builtin off), the same rules the tools' own CLIs get
        adapters = [Semgrep(rules=[Path(tmp) / "rules"]) if n == "semgrep" else registry.load(n)
                    for n in registry.DEFAULT_ENABLED]
        options = {
            "semgrep": SemgrepOptions(builtin=False),
            "facts": FactsOptions(descriptions=llm),
            "radon": RadonOptions(maintainability=llm),
        }

        def stage() -> Any:
            return run_analyzers(adapters, files, workdir, options, repo_root=repo_root, rev=None,
                                 cache=cache, jobs=jobs, scope=scope)

        cold, cold_mem, evidence = timed(stage)
        for s in evidence.statuses:
            extra = f" ({s.message})" if s.message else ""
            print(f"   {s.name:8} {s.status.value:6} {s.seconds:7.1f} s  findings {s.findings:5}  "
                  f"notes {len(s.notes):3}{extra}")
            for note in s.notes[:2]:
                print(f"            note: {note[:150]}")
        print(f"   facts {len(evidence.facts)}, metrics {len(evidence.metrics)}, findings {len(evidence.findings)}")
        warm, warm_mem, again = timed(stage)
        served = ", ".join(f"{s.name} {s.cached}/{len(files)}" for s in again.statuses)
        same = again.findings == evidence.findings and again.facts == evidence.facts
        print(f"   cached re-run served from the cache: {served}; results identical: {same}")
        result: dict[str, Any] = {"files": len(files), "lines": lines, "stage_cold_s": cold, "stage_cached_s": warm,
                                  "peak_mem_mb": cold_mem / 2**20}
        print(f"   analyzer stage, cold:     {cold:8.1f} s   peak memory {cold_mem / 2**20:7.0f} MB")
        print(f"   analyzer stage, cached:   {warm:8.2f} s   peak memory {warm_mem / 2**20:7.0f} MB")
        if cli:
            seq_s, seq_mem, parts = timed(lambda: sequential_clis(workdir, files, rules))
            result["sequential_cli_s"] = seq_s
            print("   sequential CLIs:          " + f"{seq_s:8.1f} s   peak memory {seq_mem / 2**20:7.0f} MB   ("
                  + ", ".join(f"{k} {v:.1f} s" for k, v in parts.items()) + ")")
            print(f"   ratio cold / CLIs:        {cold / seq_s:8.2f}    (target <= 0.5)")
            print(f"   ratio cached / CLIs:      {warm / seq_s:8.3f}    (target <= 0.05)")
        print(f"   peak memory, cold stage:  {cold_mem / 2**20:8.0f} MB  (target <= 1024 MB for 200 files)")
        return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stdlib", type=int, default=0, help="number of stdlib modules (0: all top-level ones)")
    parser.add_argument("--synthetic", type=int, default=200, help="files in the synthetic diff (0: skip)")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--no-cli", action="store_true", help="do not time the tools' own CLIs")
    parser.add_argument("--skip-stdlib", action="store_true")
    parser.add_argument("--llm", action="store_true",
                        help="facts describe every changed def and radon computes the maintainability index, as when an "
                        "LLM reviewer is configured")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    if not args.skip_stdlib:
        lib, names = stdlib_files(args.stdlib or None)
        scenario(f"stdlib ({lib})", all_files_sources(lib, names), None, args.jobs, not args.no_cli, llm=args.llm)
    if args.synthetic:
        with tempfile.TemporaryDirectory(prefix="reviewbot-bench-repo-") as tmp:
            repo, files = synthetic_repo(Path(tmp), args.synthetic)
            # reviewed as `reviewbot review` does by default (filter "added"): findings in the hunks only
            scenario("synthetic diff", files, repo, args.jobs, not args.no_cli, scope="hunks", llm=args.llm)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
