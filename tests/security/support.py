"""Helpers of the hostile-change tests: the files a hostile change plants, the probe analyzer's registration, a
watcher of every process reviewbot starts, and the checks they all share."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GITHUB_SECRET = "ghp_FAKEgithubTOKENfortests0123456789"
LLM_SECRET = "sk-FAKEllmKEYfortests0123456789"
SECRETS = {"GITHUB_TOKEN": GITHUB_SECRET, "OPENAI_API_KEY": LLM_SECRET, "MODEL_ACCESS": LLM_SECRET}

BASE_APP = "def load(text):\n    return text\n"
EVIL_APP = "def load(text):\n    return eval(text)\n"  # bandit B307 (a warning)
TOOL = "import sys\n\n\ndef main(argv=sys.argv):\n    return eval(argv[1])\n"
# Named like modules the interpreter, reviewbot, its workers or its tools import (pylint imports concurrent and
# multiprocessing lazily, isort with every checker on), and the files interpreters and tools pick up by themselves.
SHADOWS = ("socket", "enum", "json", "tokenize", "csv", "dataclasses", "typing", "concurrent", "multiprocessing",
           "isort", "logging", "pickle", "selectors", "signal", "subprocess", "tempfile", "threading")
SELF_RUNNING = ("sitecustomize", "usercustomize", "conftest", "evil_plugin", "setup")


def hostile_module(markers: Path, name: str) -> str:
    """Writes a marker (with the token it sees) when executed, then stands in for the real module so that the
    process goes on as if nothing happened, as an attacker's module would."""
    return (
        "import os as _os, sys as _sys, importlib as _il\n"
        f"with open({str(markers / name)!r}, 'a') as _f:\n"
        "    _f.write(f\"{_os.getpid()} {_os.environ.get('GITHUB_TOKEN')} {_os.environ.get('OPENAI_API_KEY')}\\n\")\n"
        "_here = _os.path.realpath(_os.path.dirname(__file__))\n"
        "_sys.modules.pop(__name__, None)\n"
        "_sys.path[:] = [p for p in _sys.path if p and _os.path.realpath(p) != _here]\n"
        "try:\n"
        "    globals().update(_il.import_module(__name__).__dict__)\n"
        "except ImportError:\n"
        "    pass\n"
    )


def plant(root: Path, markers: Path) -> None:
    """Everything a hostile change could add for reviewbot, a child interpreter or a tool to run or obey."""
    for folder in (root, root / "scripts"):
        folder.mkdir(parents=True, exist_ok=True)
        for name in SHADOWS + SELF_RUNNING:
            (folder / f"{name}.py").write_text(hostile_module(markers, f"{folder.name}-{name}"), encoding="utf-8")
    run = f"import pathlib; pathlib.Path({str(markers)!r}, 'HOOK').write_text('ran')"
    (root / "evil.pth").write_text(run + "\n", encoding="utf-8")
    for rc, section in ((".pylintrc", "MAIN"), ("pylintrc", "MAIN"), ("tox.ini", "pylint.MAIN")):
        (root / rc).write_text(f"[{section}]\ninit-hook={run.replace('HOOK', rc)}\nload-plugins=evil_plugin\n"
                               "disable=all\n", encoding="utf-8")
    (root / "setup.cfg").write_text(
        f"[pylint.MAIN]\ninit-hook={run.replace('HOOK', 'setup.cfg')}\nload-plugins=evil_plugin\n\n"
        "[bandit]\nskips = B307\n\n[radon]\nexclude = *\n", encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f"[tool.pylint.main]\ninit-hook = {run.replace('HOOK', 'pyproject')!r}\nload-plugins = ['evil_plugin']\n"
        "disable = ['all']\n\n[tool.bandit]\nskips = ['B307']\nexclude_dirs = ['.']\n", encoding="utf-8")
    (root / ".bandit").write_text("[bandit]\nskips: B307\nexclude: ./app.py\n", encoding="utf-8")
    (root / "radon.cfg").write_text("[radon]\nexclude = *\n", encoding="utf-8")
    (root / ".semgrepignore").write_text("*\n", encoding="utf-8")


def config(log: Path, analyzers: tuple[str, ...] = ("facts", "bandit", "pylint", "radon", "semgrep", "envprobe")) -> str:
    names = ", ".join(f'"{a}"' for a in analyzers)
    return f'analyzers = [{names}]\nfail-on = "warning"\n\n[envprobe]\nlog = "{log}"\n'


def probe_distribution(where: Path) -> Path:
    """A distribution (just its metadata) registering the probe analyzer as an entry point; put it on PYTHONPATH."""
    info = where / "reviewbot_probe-1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: reviewbot-probe\nVersion: 1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[reviewbot.analyzers]\nenvprobe = tests.security.probe_analyzer:EnvProbe\n", encoding="utf-8")
    return where


def console_script() -> str:
    found = shutil.which("reviewbot", path=str(Path(sys.executable).parent))
    assert found, "the reviewbot console script is not installed next to the test interpreter"
    return found


def environment(tmp: Path) -> dict[str, str]:
    """The front end's environment: secrets set, the probe registered, no developer settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "REVIEWBOT_", "GITHUB_", "PYTHON"))}
    env.update(SECRETS)
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT), str(probe_distribution(tmp / "probe-dist"))]),
               REVIEWBOT_CACHE_DIR=str(tmp / "cache"), GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp / "home"))
    (tmp / "home").mkdir(exist_ok=True)
    return env


class ProcessWatch:
    """Samples /proc for the descendants of a process: each one's command line, environment and working directory,
    as long as it lives (a thread, every few milliseconds)."""

    def __init__(self, root_pid: int, interval: float = 0.005) -> None:
        self.root, self.interval = root_pid, interval
        self.seen: dict[int, dict[str, Any]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> ProcessWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        try:  # the watched process itself, as its parent sees it
            self.seen[self.root] = {"ppid": os.getpid(), "cmdline": _cmdline(self.root), "env": {}, "cwd": "",
                                    "root": True}
        except OSError:
            pass

        while not self._stop.is_set():
            self._refresh_root()
            self.sample()
            time.sleep(self.interval)

    def _refresh_root(self) -> None:
        """The root's command line as it is now: read too early, it may still be the parent's (fork before exec) or
        the launcher's (a console script's ``/bin/sh`` preamble execs the interpreter)."""
        try:
            cmdline = _cmdline(self.root)
        except OSError:
            return
        if cmdline and self.root in self.seen:
            self.seen[self.root]["cmdline"] = cmdline

    def sample(self) -> None:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                        parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        for pid, ppid in parents.items():
            if pid in self.seen or not self._descends(pid, parents):
                continue
            try:
                cmdline = _cmdline(pid)
                if cmdline == _cmdline(ppid):  # forked, not yet exec'ed: still the parent; look again later
                    continue
                with open(f"/proc/{pid}/environ", "rb") as fh:
                    raw = [a.decode("utf-8", "replace") for a in fh.read().split(b"\0") if a]
                cwd = os.readlink(f"/proc/{pid}/cwd")
            except OSError:
                continue
            if not cmdline:
                continue
            env = dict(item.partition("=")[::2] for item in raw)
            self.seen[pid] = {"ppid": ppid, "cmdline": cmdline, "env": env, "cwd": cwd}

    def _descends(self, pid: int, parents: dict[int, int]) -> bool:
        while pid in parents and pid > 1:
            pid = parents[pid]
            if pid == self.root:
                return True
        return False

    def children_of_reviewbot(self) -> dict[int, dict[str, Any]]:
        """The processes reviewbot started (directly or not): those with a reviewbot process among their
        ancestors, as recorded."""
        script = console_script()
        bots = {pid for pid, p in self.seen.items() if script in p["cmdline"][:3]}
        out = {}
        for pid, p in self.seen.items():
            if p.get("root"):
                continue
            up, hops = p["ppid"], 0
            while up not in bots and up in self.seen and hops < 50:
                up, hops = self.seen[up]["ppid"], hops + 1
            if up in bots:
                out[pid] = p
        return out


def _cmdline(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        return [a.decode("utf-8", "replace") for a in fh.read().split(b"\0") if a]


def check_children(watch: ProcessWatch, repo: Path) -> None:
    """No process reviewbot started saw a secret; none but git (told the repository with -C) ran inside it."""
    children = watch.children_of_reviewbot()
    names = {Path(p["cmdline"][0]).name for p in children.values()}
    # the workers and the Python tools were seen
    assert any(n.startswith("python") for n in names), ({p: v["cmdline"][:3] for p, v in watch.seen.items()}, watch.root)
    real = str(repo.resolve())
    for pid, p in children.items():
        leaked = {k for k, v in p["env"].items() if k in SECRETS or v in SECRETS.values()}
        assert not leaked, (pid, p["cmdline"][:4], leaked)
        assert not {k for k in p["env"] if k.startswith("PYTHON")}, (pid, p["cmdline"][:4])
        if Path(p["cmdline"][0]).name != "git":
            assert not _inside(p["cwd"], real), (pid, p["cmdline"][:4], p["cwd"])


def check_probe(log: Path, repo: Path) -> None:
    """What the probe analyzer's workers saw: no secret, nothing from the repository, not its directory."""
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(log.glob("worker-*.json"))]
    assert records, "the probe analyzer did not run"
    real = str(repo.resolve())
    for rec in records:
        assert not {k for k, v in rec["env"].items() if k in SECRETS or v in SECRETS.values()}, rec["env"]
        assert not any(k.startswith(("PYTHON", "GIT_")) for k in rec["env"]), rec["env"]
        assert rec["isolated"] == 1
        assert "" not in rec["path"]
        for entry in [rec["cwd"], *rec["path"]]:
            assert not _inside(entry, real), (entry, rec["path"])
        from_repo = {n: f for n, f in rec["modules"].items() if _inside(f, real)}
        assert not from_repo, from_repo


def _inside(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root + os.sep)


def check_markers(markers: Path) -> None:
    ran = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in markers.iterdir()}
    assert not ran, ran
