"""Running tools: clean environment, timeouts that take the whole process group down, byte-exact git output."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from reviewbot.analyzers import _repo, _subprocess

from tests.helpers import GitRepo


def test_clean_env_drops_foreign_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PYTHONPATH", "PYLINTRC", "GIT_DIR", "GIT_WORK_TREE", "PYTHONSTARTUP", "SEMGREP_RULES"):
        monkeypatch.setenv(name, "/somewhere")
    env = _subprocess.clean_env({"EXTRA": "1"})
    assert not {"PYTHONPATH", "PYLINTRC", "GIT_DIR", "GIT_WORK_TREE", "PYTHONSTARTUP", "SEMGREP_RULES"} & set(env)
    assert env["EXTRA"] == "1" and env["PYTHONNOUSERSITE"] == "1"


def test_timeout_kills_grandchildren(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild"
    code = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(300)\n"
    )
    run = _subprocess.run([sys.executable, "-c", code], cwd=tmp_path, timeout=3)
    assert run.timed_out and run.returncode is None and not run.completed
    assert "timed out" in run.describe()
    pid = int(pidfile.read_text())
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            if fh.read().split(")")[-1].split()[0] == "Z":
                break
        time.sleep(0.05)
    else:
        pytest.fail("the grandchild survived the timeout")


def test_missing_executable_and_failures_are_values(tmp_path: Path) -> None:
    run = _subprocess.run([str(tmp_path / "no-such-tool")], cwd=tmp_path, timeout=5)
    assert run.error and not run.completed and "no-such-tool" in run.describe()
    run = _subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"],
                          cwd=tmp_path, timeout=30)
    assert run.completed and not run.succeeded and run.describe().endswith("exited with 3: boom")


def test_find_executable_prefers_the_running_venv() -> None:
    found = _subprocess.find_executable("semgrep")
    assert found is not None and Path(found).parent == Path(sys.executable).parent


def test_git_ignores_inherited_git_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(tmp_path / "r").init()
    repo.write("a.py", "x = 1\n")
    repo.commit()
    other = GitRepo(tmp_path / "other").init()
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    assert _repo.grep_files(repo.path, None, ["x"], 30) == ["a.py"]


def test_blobs_are_read_byte_exact(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r").init()
    repo.write("a.py", b"# caf\xe9\nx = 1\n")
    repo.write("b.py", "y = 'caf\u00e9'\n")
    repo.write("\u00fcml\u00e4ut.py", "z = 1\n")
    repo.commit()
    got = dict(_repo.read_texts(repo.path, "HEAD", ["a.py", "b.py", "gone.py", "\u00fcml\u00e4ut.py"], 1000, 30))
    assert got == {"a.py": "# caf\ufffd\nx = 1\n", "b.py": "y = 'caf\u00e9'\n", "gone.py": None,
                   "\u00fcml\u00e4ut.py": "z = 1\n"}
    assert _repo.grep_files(repo.path, "HEAD", ["z"], 30) == ["\u00fcml\u00e4ut.py"]
