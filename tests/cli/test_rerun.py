"""A re-run of an unchanged review is replayed whole; a re-run whose only change does not touch the analysed files
is served from the caches: the analyzer results and the verification of every suggested fix. Either way no
analyzer worker or tool process starts (every process reviewbot starts is watched in /proc), and the report is the
same. A changed file is analysed and verified again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers import GitRepo
from tests.security.support import ProcessWatch

ROOT = Path(__file__).resolve().parents[2]
WORKER = "reviewbot.analysis_worker:main"


def review(repo: GitRepo) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """``reviewbot review`` (with the test-only marker analyzer) as a process of its own; the command lines of every
    process it started."""
    argv = [sys.executable, "-m", "tests.cli.marker_main", "review", "--analyzers", "marker", "--format", "json",
            "-v"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(argv, cwd=repo.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with ProcessWatch(proc.pid) as watch:
        out, err = proc.communicate(timeout=600)
    started = [p["cmdline"] for pid, p in watch.seen.items() if pid != proc.pid and not p.get("root")]
    return subprocess.CompletedProcess(argv, proc.returncode, out, err), started


def workers(started: list[list[str]]) -> int:
    return sum(1 for cmdline in started if any(WORKER in part for part in cmdline))


def not_git(started: list[list[str]]) -> list[list[str]]:
    return [c for c in started if Path(c[0]).name != "git"]


def comments(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert done.returncode == 1, done.stderr  # the eval is an error
    return json.loads(done.stdout)["comments"]


def test_an_unchanged_rerun_starts_no_analyzer_and_reports_the_same(flagged: GitRepo) -> None:
    first, started = review(flagged)
    # the analyzer stage and the re-analysis of the suggested fix: one worker each (the watch does see them)
    assert workers(started) == 2, started
    assert "verifying 1/1: app.py:5 marker:no-eval" in first.stderr
    assert "re-analysing 1 suggested fix" in first.stderr
    (posted,) = [c for c in comments(first) if c["rule"] == "no-eval"]
    assert posted["suggestion"] and "verified: resolves marker no-eval" in posted["reason"]

    again, started = review(flagged)  # the same review: replayed whole (reviewbot/rerun.py)
    assert not_git(started) == [], started  # nothing but git: no worker, no tool
    assert "replaying its result" in again.stderr
    assert "analyzing" not in again.stderr and "verifying" not in again.stderr
    assert comments(again) == comments(first)

    flagged.write("notes.txt", "not Python\n")  # a new input, so no replay: the analyzer cache and the memo answer
    cached, started = review(flagged)
    assert not_git(started) == [], started  # nothing but git: no worker, no tool
    assert "verifying 1/1: app.py:5 marker:no-eval" in cached.stderr
    assert "re-analysing" not in cached.stderr
    assert comments(cached) == comments(first)

    flagged.write("app.py", "import ast\n\n\ndef load(text):\n    return eval(text)\n\n\nX = eval('1')\n")
    changed, started = review(flagged)
    assert workers(started) == 2, started  # the changed file is analysed, its fixes verified again
    assert "re-analysing 2 suggested fixes" in changed.stderr
