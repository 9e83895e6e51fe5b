"""The floor under a commit hook's run: what starting Python, reviewbot and each analyzer costs on its own.

Used by bench/precommit.py (``floor.measure``); runs with this interpreter (the worktree's venv) in a scratch
repository whose one-file change is staged, like the commit the hook reviews. Every review runs with ``--no-cache``
(cold, as the first commit of a change). Figures: wall time (median, min, max) and CPU time (user + system of the
command and its children, median) over ``runs``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ALL = ("facts", "bandit", "pylint", "radon", "semgrep")
PY = sys.executable
BIN = Path(sys.executable).parent
APP = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd.split())\n"
CHANGED = APP + "\n\ndef version():\n    return '1.0'\n"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def summary(times: Sequence[float], cpu: Sequence[float]) -> dict[str, float | int]:
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
            "max_s": round(max(times), 3), "cpu_s": round(statistics.median(cpu), 3), "runs": len(times)}


def _time(argv: Sequence[str], cwd: Path, env: dict[str, str], runs: int) -> dict[str, float | int]:
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), _cpu()
        proc = subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return summary(times, cpu)


def _repo(path: Path, env: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "base"]):
        if args[0] == "add":
            (path / "app.py").write_text(APP)
        subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True)
    (path / "app.py").write_text(CHANGED)
    subprocess.run(["git", "add", "app.py"], cwd=path, env=env, check=True, capture_output=True)
    return path


def commands() -> dict[str, list[str]]:
    """name -> argv of every floor figure (reviews run in the scratch repository)."""
    review = [str(BIN / "reviewbot"), "review", "--staged", "--format", "short", "--no-cache"]
    out = {
        "python -c pass": [PY, "-c", "pass"],
        "import reviewbot.cli": [PY, "-c", "import reviewbot.cli"],
        "reviewbot --help": [str(BIN / "reviewbot"), "--help"],
        "review: no analyzer": [*review, "--analyzers", ""],
        "review: --hook (default)": [*review, "--hook"],
    }
    out.update({f"review: {name} alone": [*review, "--analyzers", name] for name in ALL})
    out["review: all analyzers"] = [*review, "--analyzers", ",".join(ALL)]
    out.update({
        "tool: bandit --version": [PY, "-m", "bandit", "--version"],
        "tool: pylint --version": [PY, "-m", "pylint", "--version"],
        "tool: semgrep --version": [str(BIN / "semgrep"), "--version", "--disable-version-check"],
        "tool: import radon": [PY, "-c", "import radon.complexity, radon.metrics"],
        "tool: import libcst": [PY, "-c", "import libcst, libcst.metadata"],
    })
    return out


def measure(work: Path, env: dict[str, str], runs: int) -> dict[str, dict[str, float | int]]:
    repo = _repo(work, env)
    env = {**env, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off",
           "REVIEWBOT_CACHE_DIR": str(work / ".cache")}
    env.pop("REVIEWBOT_ANALYZERS", None)
    return {name: _time(argv, repo, env, runs) for name, argv in commands().items()}


def table(results: dict[str, dict[str, float | int]], title: str) -> str:
    lines = [f"{title:<28} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8}   (seconds)"]
    for name, r in results.items():
        lines.append(f"{name:<28} {r['median_s']:>8.3f} {r['min_s']:>8.3f} {r['max_s']:>8.3f} {r['cpu_s']:>8.3f}")
    base = results.get("python -c pass")
    if base:
        lines.append(f"(wall as multiples of `python -c pass`: "
                     + ", ".join(f"{n.split(': ')[-1]} {r['median_s'] / base['median_s']:.0f}x"
                                 for n, r in results.items() if n.startswith("review")) + ")")
    return "\n".join(lines)
