"""What the reviewbot pre-commit hook costs a commit, and the floor under it.

The floor (``bench/floor.py``, this interpreter = the worktree's venv): ``python -c pass``, importing reviewbot's
CLI, ``reviewbot --help``, a one-file ``reviewbot review --staged`` with no analyzer and with each analyzer alone,
and each tool's own start-up (bandit, pylint, semgrep --version; importing radon and libcst).

Then it builds a snapshot of this checkout (tracked + untracked, not ignored files) as the hook repository,
installs the hooks of .pre-commit-hooks.yaml into scratch user repositories with the real `pre-commit`, and times
`git commit`:

- ``no-hooks``: a commit touching only README.md, no pre-commit installed (git's own cost);
- ``skipped``: the same commit with the reviewbot hook installed; ``types: [python]`` makes pre-commit skip it
  without starting reviewbot, so the difference to ``no-hooks`` is pre-commit's own start-up;
- ``empty-config``: pre-commit installed with a hook that matches nothing else (its start-up alone), for comparison;
- ``hook-default`` / ``hook-full``: a commit changing one Python file, reviewed by hook id ``reviewbot`` (its
  default: the fast analyzers) / ``reviewbot-full`` (every analyzer); static-only, no LLM is configured.

Every scenario has a reviewbot cache of its own (and each commit new content), so every commit is analyzed: the
cache only ever helps a re-commit of the same file. Each figure is the median, min and max wall time and the
median CPU time (user + system, children included) over ``--runs``: on a shared machine the CPU time and the ratios
are the steadier figures; the load average is printed.

Usage: python bench/precommit.py [--runs 5] [--home DIR] [--json] [--no-floor]
(``--home`` keeps pre-commit's store between runs, so the hook virtualenv — about 45 s to build — is built once.)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import floor  # noqa: E402 - bench/floor.py, next to this script

ROOT = Path(__file__).resolve().parents[1]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "VIRTUAL_ENV"))}
    env.update(
        PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="b@example.com",
        GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="b@example.com",
    )
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc


def snapshot(dest: Path, env: dict[str, str]) -> str:
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT, env).stdout
    for rel in filter(None, listed.split("\0")):
        src = ROOT / rel
        if src.is_symlink():  # reviewbot/{analyzers,prompts,rules}: links stay links, as a git clone has them
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).symlink_to(os.readlink(src))
        elif src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    run(["git", "init", "-q", "-b", "main"], dest, env)
    run(["git", "add", "-A"], dest, env)
    run(["git", "commit", "-q", "-m", "snapshot"], dest, env)
    return run(["git", "rev-parse", "HEAD"], dest, env).stdout.strip()


def user_repo(path: Path, env: dict[str, str], config: str | None, reviewbot_toml: str) -> Path:
    path.mkdir(parents=True)
    run(["git", "init", "-q", "-b", "main"], path, env)
    (path / "README.md").write_text("bench\n")
    (path / "app.py").write_text("def f(x):\n    return x\n")
    (path / ".reviewbot.toml").write_text(reviewbot_toml)
    if config is not None:
        (path / ".pre-commit-config.yaml").write_text(config)
    run(["git", "add", "-A"], path, env)
    run(["git", "commit", "-q", "--no-verify", "-m", "base"], path, env)
    if config is not None:
        run([*PRE_COMMIT, "install"], path, env)
        run([*PRE_COMMIT, "install-hooks"], path, env)
    return path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_commits(repo: Path, env: dict[str, str], runs: int, python: bool) -> tuple[list[float], list[float]]:
    times, cpu = [], []
    for i in range(runs):
        if python:
            (repo / "app.py").write_text(f"def f(x):\n    return x + {i}\n")
            run(["git", "add", "app.py"], repo, env)
        else:
            (repo / "README.md").write_text(f"bench {i}\n")
            run(["git", "add", "README.md"], repo, env)
        start, start_cpu = time.perf_counter(), children_cpu()
        proc = run(["git", "commit", "-q", "-m", f"change {i}"], repo, env, check=False)
        times.append(time.perf_counter() - start)
        cpu.append(children_cpu() - start_cpu)
        if proc.returncode != 0:
            raise SystemExit(f"commit failed in {repo}:\n{proc.stdout}{proc.stderr}")
        if not python and i == 0 and "hooks" in str(repo):
            out = proc.stdout + proc.stderr
            if "Skipped" not in out and "Passed" not in out and out.strip():
                print(out, file=sys.stderr)
    return times, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--home", type=Path, default=None, help="pre-commit store to (re)use")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-floor", action="store_true", help="only the commits")
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="reviewbot-bench-") as tmp:
        work = Path(tmp)
        home = args.home or work / "pre-commit-home"
        env = env_for(home)
        idle = {} if args.no_floor else floor.measure(work / "floor", env, args.runs)
        hooks = work / "hook-repo"
        hooks.mkdir()
        rev = snapshot(hooks, env)

        def config(hook_id: str) -> str:
            return f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: {hook_id}\n"

        empty_config = ("repos:\n  - repo: local\n    hooks:\n      - id: nothing\n        name: nothing\n"
                        "        entry: 'true'\n        language: system\n        files: ^nothing-matches$\n")
        started = time.perf_counter()
        repos = {
            "no-hooks": (user_repo(work / "no-hooks", env, None, ""), False),
            "empty-config": (user_repo(work / "empty", env, empty_config, ""), False),
            "skipped": (user_repo(work / "hooks-skipped", env, config("reviewbot"), ""), False),
        }
        setup_s = time.perf_counter() - started
        repos["hook-default"] = (user_repo(work / "hooks-default", env, config("reviewbot"), ""), True)
        repos["hook-full"] = (user_repo(work / "hooks-full", env, config("reviewbot-full"), ""), True)
        results = {}
        for name, (repo, python) in repos.items():
            # a cache of its own: no scenario (and no earlier run of this bench) answers another's analyses
            own = {**env, "REVIEWBOT_CACHE_DIR": str(work / "cache" / name)}
            times, cpu = time_commits(repo, own, args.runs, python)
            results[name] = floor.summary(times, cpu)
    med = {name: r["median_s"] for name, r in results.items()}
    report = {
        "floor": idle,
        "commits": results,
        "overhead_non_python_commit_s": round(med["skipped"] - med["no-hooks"], 3),
        "overhead_vs_pre_commit_alone_s": round(med["skipped"] - med["empty-config"], 3),
        "hook_default_minus_pre_commit_s": round(med["hook-default"] - med["empty-config"], 3),
        "full_over_default": round(med["hook-full"] / med["hook-default"], 2),
        "setup_s_including_hook_venv": round(setup_s, 1),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_avg_before_after": [load_before, [round(x, 2) for x in os.getloadavg()]],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    if idle:
        print(floor.table(idle, f"idle floor ({args.runs} runs)"))
        print()
    print(floor.table(results, f"`git commit` ({args.runs} runs)"))
    print(f"\nnon-Python commit: +{report['overhead_non_python_commit_s']:.3f} s with the reviewbot hook installed "
          f"({report['overhead_vs_pre_commit_alone_s']:+.3f} s vs pre-commit with a hook that matches nothing)")
    print(f"one-file commit, hook id reviewbot: {med['hook-default']:.3f} s, of which pre-commit and git "
          f"{med['empty-config']:.3f} s; reviewbot-full takes {report['full_over_default']:.1f}x as long")
    print(f"setup (snapshot, 3 repos, hook venv build): {setup_s:.1f} s; load average before/after "
          f"{report['load_avg_before_after']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
