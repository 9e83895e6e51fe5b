"""Running children (``reviewbot.procs``): the allow-listed environment, an empty working directory, timeouts that
take the whole process group down, isolated interpreters with the import guard, byte-exact git output."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from reviewbot.analyzers import _repo

from reviewbot import git, procs
from tests.helpers import GitRepo


def test_tool_env_is_an_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    foreign = ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYLINTRC", "GIT_DIR", "GIT_WORK_TREE", "SEMGREP_RULES",
               "GITHUB_TOKEN", "OPENAI_API_KEY", "MY_LLM", "LD_PRELOAD", "BANDIT_CONFIG", "INPUT_GITHUB-TOKEN")
    for name in foreign:
        monkeypatch.setenv(name, "/somewhere")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_CTYPE", "C.UTF-8")
    env = procs.tool_env({"EXTRA": "1"})
    assert not set(foreign) & set(env)
    assert env["EXTRA"] == "1" and env["PATH"] == os.environ["PATH"] and env["HOME"] == os.environ["HOME"]
    assert env["LANG"] == env["LC_CTYPE"] == "C.UTF-8"


def test_command_env_drops_secrets_by_name_and_by_value() -> None:
    env = procs.command_env(
        {"PATH": "/bin", "HOME": "/h", "GITHUB_TOKEN": "ghp_secretvalue", "OPENAI_KEY": "k1", "MY_LLM": "sk-abcdefgh",
         "COPY": "ghp_secretvalue", "SSH_KEYS": "x", "GIT_INDEX_FILE": "/i", "PYTHONPATH": "/p", "SHORT": "x"},
        secret_names=("MY_LLM",),
    )
    assert env == {"PATH": "/bin", "HOME": "/h", "PYTHONPATH": "/p", "SHORT": "x"}


def test_a_child_runs_in_an_empty_directory_of_its_own(tmp_path: Path) -> None:
    run = procs.run([sys.executable, "-c", "import os; print(os.getcwd()); print(os.listdir())"], timeout=30)
    where, listed = run.stdout.splitlines()
    assert run.succeeded and listed == "[]" and not Path(where).exists()  # and removed afterwards
    run = procs.run([sys.executable, "-c", "import os; print(os.getcwd())"], cwd=tmp_path, timeout=30)
    assert run.stdout.strip() == str(tmp_path)


def test_timeout_kills_grandchildren(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild"
    code = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(300)\n"
    )
    run = procs.run([sys.executable, "-c", code], timeout=3)
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
    run = procs.run([str(tmp_path / "no-such-tool")], timeout=5)
    assert run.error and not run.completed and "no-such-tool" in run.describe()
    run = procs.run([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"], timeout=30)
    assert run.completed and not run.succeeded and run.describe().endswith("exited with 3: boom")


def test_find_executable_prefers_the_running_venv() -> None:
    found = procs.find_executable("semgrep")
    assert found is not None and Path(found).parent == Path(sys.executable).parent


PROBE = """
import importlib, json, os, sys
loaded = {}
for name in sys.argv[1:]:
    try:
        loaded[name] = getattr(importlib.import_module(name), "__file__", None)
    except ImportError as exc:
        loaded[name] = f"ImportError: {exc}"
print(json.dumps({"loaded": loaded, "path": sys.path, "cwd": os.getcwd(), "isolated": sys.flags.isolated}))
"""


def test_a_python_child_never_imports_from_a_denied_root(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    marker = tmp_path / "marker"
    for name in ("json", "csv", "tokenize", "only_here", "pkg/__init__"):
        (tree / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write({name!r})\n")
    probe = tmp_path / "probe.py"
    probe.write_text(f"import sys; sys.path.insert(0, {str(tree)!r})\n" + PROBE)  # as pylint does while it lints
    argv = procs.python(("path", str(probe)), ["csv", "tokenize", "only_here", "pkg"], deny=[tree])
    run = procs.run(argv, timeout=60)
    assert run.succeeded, run.stderr
    out = json.loads(run.stdout)
    assert not marker.exists()
    assert out["loaded"]["csv"].startswith(os.path.dirname(os.__file__)) and out["isolated"] == 1
    assert out["loaded"]["only_here"].startswith("ImportError") and out["loaded"]["pkg"].startswith("ImportError")
    # without the guard the same child would have run them: the test can tell
    run = procs.run(procs.python(("path", str(probe)), ["csv", "only_here"], deny=[]), timeout=60)
    assert run.succeeded and marker.read_text() == "csvonly_here"


def test_a_child_gets_our_path_without_the_repository_and_pinned_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "mine").mkdir(parents=True)
    (repo / "mine" / "__init__.py").write_text("VALUE = 1\n")
    (repo / "mine" / "sub.py").write_text("VALUE = 2\n")
    (repo / "other.py").write_text("raise SystemExit('imported other')\n")
    monkeypatch.syspath_prepend(str(repo))
    monkeypatch.chdir(repo)
    import mine  # noqa: F401 - this process runs code from the repository (reviewing reviewbot's own checkout)

    try:
        path, pinned = procs.child_path([repo]), procs.pinned_modules([repo])
        assert str(repo) not in path and "" not in path and set(pinned) == {"mine"}
        probe = tmp_path / "probe.py"
        probe.write_text(PROBE)
        argv = procs.python(("path", str(probe)), ["mine", "mine.sub", "other"], deny=[repo], path=path,
                            pinned=pinned)
        out = json.loads(procs.run(argv, timeout=60).stdout)
        assert out["loaded"]["mine"] == str(repo / "mine" / "__init__.py")
        assert out["loaded"]["mine.sub"] == str(repo / "mine" / "sub.py")
        assert out["loaded"]["other"].startswith("ImportError")
        assert str(repo) not in out["path"] and out["cwd"] != str(repo)
    finally:
        sys.modules.pop("mine", None)


def test_git_ignores_inherited_git_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(tmp_path / "r").init()
    repo.write("a.py", "x = 1\n")
    repo.commit()
    other = GitRepo(tmp_path / "other").init()
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    assert _repo.grep_files(repo.path, None, ["x"], 30) == ["a.py"]


def test_git_runs_no_hook_fsmonitor_or_pager_of_the_repository(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r").init()
    repo.write("a.py", "x = 1\n")
    repo.commit()
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho ran >> {marker}\n")
    script.chmod(0o755)
    for key in ("core.fsmonitor", "core.pager", "diff.external"):
        repo.git("config", key, str(script))
    repo.write("a.py", "x = 2\n")
    assert "x = 2" in git.output(["diff", "--no-ext-diff", "HEAD"], repo.path)
    assert _repo.state_key(repo.path, None) is not None
    assert not marker.exists()


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


def test_a_virtualenv_inside_the_denied_root_still_serves_its_packages(tmp_path: Path) -> None:
    venv = Path(sys.prefix)  # e.g. the .venv of the repository under review
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    path = procs.child_path([venv])
    assert any(p.endswith("site-packages") for p in path)
    run = procs.run(procs.python(("path", str(probe)), ["yaml", "json"], deny=[venv], path=path), timeout=60)
    loaded = json.loads(run.stdout)["loaded"]
    assert not loaded["yaml"].startswith("ImportError") and not loaded["json"].startswith("ImportError"), loaded
