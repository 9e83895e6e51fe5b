"""Benchmark reviewbot's semgrep rule pack.

Measures the wall time of single semgrep invocations with the pack in ``rules/``:

* ``pack-load``: the pack on an empty target file (rule loading/validation + start-up);
* ``scan-100``: the pack on 100 real Python files, all passed explicitly on the command line.

The 100 files are the largest standard-library modules that have fewer than 2000 lines
(taken from ``Path(os.__file__).parent``, site-packages excluded), copied with their relative
paths into a temporary directory so that no ignore file or git state influences the scan. The
targets are passed relative to semgrep's working directory (see ``run_semgrep``).

Each measurement is done twice: with ``--config rules/`` (one YAML file per rule, as used by
``semgrep --test``) and with the pack merged into a single JSON config file, which is how the
adapter should invoke semgrep (semgrep validates every config file separately, so loading dozens of
small files costs several seconds more than loading one merged file).

Then the review's view: a 100-file *diff* of the same files (two functions of each gain a statement that one
rule flags), through reviewbot's semgrep adapter with the whole pack, once reporting on the hunks only (the
default: semgrep scans focused copies in which untouched function bodies are left out) and once on whole files
(``filter = "file"``); the findings inside the hunks must be the same.

Usage::

    python bench/rules.py [--repeat N] [--jobs N] [--profile] [--findings]

``--profile`` prints the slowest rules (semgrep ``--time``), ``--findings`` prints how many
findings each rule produces on the 100 files (a precision smoke test: the standard library is
not a web application, so taint rules should stay silent).
"""

from __future__ import annotations

import argparse
import ast
import collections
import difflib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
SEMGREP_FLAGS = ["--metrics=off", "--disable-version-check", "--json", "--quiet", "--no-git-ignore"]


def find_semgrep() -> str:
    candidate = Path(sys.executable).parent / "semgrep"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("semgrep")
    if not found:
        sys.exit("semgrep executable not found (next to sys.executable or on PATH)")
    return found


def semgrep_env() -> dict[str, str]:
    env = dict(os.environ)
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env["SEMGREP_SEND_METRICS"] = "off"
    return env


def load_rules() -> list[dict]:
    rules = []
    for path in sorted(RULES_DIR.glob("*/*.yaml")):
        with path.open(encoding="utf-8") as fh:
            rules.extend(yaml.safe_load(fh)["rules"])
    return rules


def stdlib_sample(count: int = 100, max_lines: int = 2000) -> list[Path]:
    stdlib = Path(os.__file__).parent
    candidates = []
    for path in stdlib.rglob("*.py"):
        if "site-packages" in path.parts or "dist-packages" in path.parts:
            continue
        try:
            with path.open(encoding="utf-8") as fh:
                lines = sum(1 for _ in fh)
        except (OSError, UnicodeDecodeError):
            continue
        if lines < max_lines:
            candidates.append((path.stat().st_size, str(path), path))
    candidates.sort(key=lambda item: (-item[0], item[1]))
    return [path for _, _, path in candidates[:count]]


def run_semgrep(semgrep: str, config: Path, targets: list[Path], jobs: int, extra=()) -> tuple[float, dict]:
    # Targets are passed relative to the working directory: semgrep 1.x spawns one `semgrep-core`
    # process per scanning root that is not a file under the CWD (~0.1 s each), which would
    # otherwise add ~10 s to a 100-file scan.
    cwd = Path(os.path.commonpath([t.parent for t in targets]))
    cmd = [semgrep, "scan", *SEMGREP_FLAGS, f"--jobs={jobs}", "--config", str(config), *extra,
           *[os.path.relpath(t, cwd) for t in targets]]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=semgrep_env(), check=False, cwd=cwd)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"semgrep failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return elapsed, json.loads(proc.stdout)


def best_of(n: int, fn):
    results = [fn() for _ in range(n)]
    return min(results, key=lambda r: r[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement, the fastest is kept")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="semgrep --jobs (default: CPUs)")
    parser.add_argument("--files", type=int, default=100, help="number of stdlib files to scan")
    parser.add_argument("--profile", action="store_true", help="print the slowest rules")
    parser.add_argument("--findings", action="store_true", help="print findings per rule")
    args = parser.parse_args()

    semgrep = find_semgrep()
    rules = load_rules()
    security = sum(1 for r in rules if r["metadata"]["category"] == "security")
    sample = stdlib_sample(args.files)
    print(f"semgrep: {semgrep}")
    print(f"rules: {len(rules)} ({security} security, {len(rules) - security} correctness/maintainability)")
    print(f"cpus: {os.cpu_count()}  jobs: {args.jobs}  load average: {os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory(prefix="reviewbot-bench-") as tmp:
        tmpdir = Path(tmp)
        merged = tmpdir / "reviewbot-rules.json"
        merged.write_text(json.dumps({"rules": rules}), encoding="utf-8")
        empty = tmpdir / "empty" / "empty.py"
        empty.parent.mkdir()
        empty.write_text("", encoding="utf-8")
        corpus = tmpdir / "corpus"
        corpus.mkdir()
        targets = []
        stdlib = Path(os.__file__).parent
        for src in sample:
            # keep the relative layout (e.g. test/test_ssl.py) so that the rules' `paths:` filters
            # behave as they would in a real repository
            dst = corpus / src.relative_to(stdlib)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            targets.append(dst)
        total_bytes = sum(t.stat().st_size for t in targets)
        total_lines = sum(t.read_text(encoding="utf-8").count("\n") for t in targets)
        print(f"files: {len(targets)} ({total_lines} lines, {total_bytes / 1e6:.1f} MB) from {Path(os.__file__).parent}")

        numbers = {}
        for label, config in (("rules/ directory", RULES_DIR), ("merged JSON", merged)):
            load_s, _ = best_of(args.repeat, lambda: run_semgrep(semgrep, config, [empty], args.jobs))
            extra = ["--time"] if args.profile else []
            scan_s, out = best_of(args.repeat, lambda: run_semgrep(semgrep, config, targets, args.jobs, extra))
            errors = [e for e in out.get("errors", []) if e.get("level") == "error"]
            numbers[label] = (load_s, scan_s)
            print(f"[{label}] pack-load={load_s:.2f}s scan-{len(targets)}={scan_s:.2f}s "
                  f"findings={len(out['results'])} errors={len(errors)}")
            if args.profile and "time" in out:
                timing = out["time"]
                per_rule = collections.Counter()
                for target in timing["targets"]:
                    for rule_id, spent in zip(timing["rules"], target["match_times"]):
                        per_rule[rule_id.rsplit(".", 1)[-1]] += spent
                parse = sum(sum(t["parse_times"]) for t in timing["targets"])
                print(f"  parse time (summed over files): {parse:.2f}s; slowest rules (summed match time):")
                for rule_id, spent in per_rule.most_common(15):
                    print(f"    {spent:7.2f}s  {rule_id}")
            if args.findings:
                counts = collections.Counter(r["check_id"].rsplit(".", 1)[-1] for r in out["results"])
                print("  findings per rule:")
                for rule_id, n in counts.most_common():
                    print(f"    {n:5d}  {rule_id}")
                args.findings = False  # same results for both configs

        diff = adapter_runs(targets, corpus, tmpdir / "work", args.repeat)

    load_s, scan_s = numbers["merged JSON"]
    dir_load, dir_scan = numbers["rules/ directory"]
    print(f"pack-load={load_s:.1f}s scan-{len(targets)}={scan_s:.1f}s "
          f"(merged JSON config; rules/ directory: pack-load={dir_load:.1f}s scan-{len(targets)}={dir_scan:.1f}s)")
    print(f"diff-{len(targets)} through the adapter: hunks={diff['hunks']:.1f}s file={diff['file']:.1f}s "
          f"({diff['file'] / diff['hunks']:.1f}x)")
    return 0


def with_new_statements(text: str, rng: random.Random, count: int = 2) -> str:
    """``text`` with a statement added at the top of ``count`` of its functions (picked with ``rng``)."""
    lines = text.split("\n")
    tree = ast.parse(text)
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    funcs = [n for n in funcs if n.body[0].lineno > n.lineno]  # bodies on lines of their own
    for node in sorted(rng.sample(funcs, min(count, len(funcs))), key=lambda n: -n.body[0].lineno):
        first = node.body[0]
        at = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", []))])
        # a statement the pack flags (none-comparison-eq), so that both scopes have findings to compare
        lines.insert(at - 1, " " * first.col_offset + "_reviewed = __name__ == None")
    return "\n".join(lines)


def adapter_runs(targets: list[Path], corpus: Path, work: Path, repeat: int) -> dict[str, float]:
    """Wall time of reviewbot's semgrep adapter on a 100-file diff, per scope; prints the findings in hunks."""
    from reviewbot.analyzers.base import AnalysisContext, SourceFile
    from reviewbot.analyzers.semgrep import Semgrep, SemgrepOptions

    rng = random.Random(1)
    files = []
    for path in targets:
        before = path.read_text(encoding="utf-8")
        after = with_new_statements(before, rng)
        rel = path.relative_to(corpus).as_posix()
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(after, encoding="utf-8")
        added, hunks = set(), []
        matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
        for group in matcher.get_grouped_opcodes(3):
            hunks.append((group[0][3] + 1, group[-1][4]))
            added.update(j for tag, _, _, j1, j2 in group if tag != "equal" for j in range(j1 + 1, j2 + 1))
        files.append(SourceFile(rel, after, before, None, frozenset(added), tuple(hunks)))
    out: dict[str, float] = {}
    seen: dict[str, set[tuple[str, str, int, int]]] = {}
    for scope in ("hunks", "file"):
        def run(scope: str = scope) -> tuple[float, object]:
            start = time.perf_counter()
            res = Semgrep().analyze(files, AnalysisContext(work, SemgrepOptions(), scope=scope))
            return time.perf_counter() - start, res
        elapsed, res = best_of(repeat, run)
        spans = {f.path: f.hunks for f in files}
        seen[scope] = {(f.path, f.rule_id, f.line, f.column) for f in res.findings
                       if any(a <= f.line <= b for a, b in spans[f.path])}
        print(f"[adapter, {len(files)}-file diff, {sum(len(f.added_lines) for f in files)} added lines] "
              f"scope={scope} {elapsed:.2f}s findings={len(res.findings)} in-hunks={len(seen[scope])} "
              f"error={res.error or '-'} notes={len(res.notes)}")
        out[scope] = elapsed
    print(f"  findings in the hunks identical for both scopes: {seen['hunks'] == seen['file']}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
