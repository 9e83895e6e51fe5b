"""The runner: parallel workers, failures isolated per analyzer, timeouts, deterministic results."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest
from reviewbot.analyzers.base import AnalysisContext, Options, SourceFile
from reviewbot.analyzers.radon import Radon

from reviewbot import analysis
from reviewbot.analysis import run_analyzers
from reviewbot.models import AnalyzerResult, Status
from tests.analyzers.analyzer_fakes import (
    BrokenHere,
    Chatty,
    Dying,
    Echo,
    Here,
    LogOptions,
    Meet,
    MeetHere,
    MeetOptions,
    Raising,
    Sleeping,
    SleepOptions,
    SlowToolHere,
    ToolOptions,
)
from tests.analyzers.support import changed, materialize


def files_in(workdir: Path, n: int = 3) -> list[SourceFile]:
    files = [changed(f"pkg/m{i}.py", f"def f{i}(x):\n    return x  # TODO {i}\n") for i in range(n)]
    materialize(workdir, files)
    return files


def run(analyzers: list[object], files: list[SourceFile], workdir: Path, options: dict[str, Options] | None = None,
        jobs: int | None = 2):  # type: ignore[no-untyped-def]
    return run_analyzers(analyzers, files, workdir, options or {}, repo_root=None, rev=None, cache=None,
                         jobs=jobs)  # type: ignore[arg-type]


def test_results_and_statuses(workdir: Path) -> None:
    files = files_in(workdir)
    ev = run([Echo(), Radon()], files, workdir)
    assert [s.name for s in ev.statuses] == ["echo", "radon"]
    assert [s.status for s in ev.statuses] == [Status.OK, Status.OK]
    echo = ev.statuses[0]
    assert echo.findings == 3 and echo.version == "echo 1" and echo.cached == 0 and echo.seconds > 0
    assert len(echo.notes) == 3
    assert [(f.path, f.line) for f in ev.findings] == [("pkg/m0.py", 2), ("pkg/m1.py", 2), ("pkg/m2.py", 2)]
    assert {m.name for m in ev.metrics} == {"lines", "cc", "mi"}


def test_an_adapter_that_raises_is_an_error_and_the_others_stand(workdir: Path) -> None:
    files = files_in(workdir)
    ev = run([Raising(), Echo(), Radon()], files, workdir)
    raising, echo, radon = ev.statuses
    assert raising.status is Status.ERROR
    assert raising.message == "RuntimeError: adapter bug: something broke"
    assert echo.status is Status.OK and echo.findings == 3
    assert radon.status is Status.OK
    assert all(f.tool == "echo" for f in ev.findings)


def test_a_dying_worker_is_an_error(workdir: Path) -> None:
    ev = run([Dying(), Echo()], files_in(workdir), workdir)
    assert ev.statuses[0].status is Status.ERROR
    assert ev.statuses[0].message == "worker process died (exit code 3)"
    assert ev.statuses[1].status is Status.OK


def test_timeout_kills_the_adapter_and_its_tools(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "GRACE", 0.5)
    pidfile = tmp_path / "child.pid"
    options = {"sleeping": SleepOptions(timeout=4.0, pidfile=str(pidfile))}
    ev = run([Sleeping(), Echo()], files_in(workdir, 2), workdir, options)
    sleeping, echo = ev.statuses
    assert sleeping.status is Status.ERROR
    assert sleeping.message == "timed out after 4 s on 2 files"
    assert echo.status is Status.OK
    pid = int(pidfile.read_text())
    for _ in range(100):  # the tool the adapter started is gone too (reaped by init once killed)
        if not _alive(pid):
            break
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_analyzers_run_at_the_same_time(workdir: Path, tmp_path: Path) -> None:
    # Each waits until it has seen the other start: with one worker at a time, neither could succeed.
    meet = {
        "a": MeetOptions(rendezvous=str(tmp_path), me="a", other="b", wait=60),
        "b": MeetOptions(rendezvous=str(tmp_path), me="b", other="a", wait=60),
    }
    ev = run([Meet("a"), Meet("b")], files_in(workdir, 1), workdir, meet, jobs=2)
    assert [s.status for s in ev.statuses] == [Status.OK, Status.OK]
    assert ev.statuses[0].notes == ("met b",)


def test_one_job_runs_one_worker_at_a_time(workdir: Path, tmp_path: Path) -> None:
    meet = {
        "a": MeetOptions(rendezvous=str(tmp_path), me="a", other="b", wait=0.5),
        "b": MeetOptions(rendezvous=str(tmp_path), me="b", other="a", wait=0.5),
    }
    ev = run([Meet("a"), Meet("b")], files_in(workdir, 1), workdir, meet, jobs=1)
    assert ev.statuses[0].status is Status.ERROR  # the first ran alone and never met the second
    assert ev.statuses[1].status is Status.OK


def test_splittable_analyzers_are_batched_and_merged_in_order(workdir: Path, tmp_path: Path) -> None:
    files = files_in(workdir, 12)
    log = tmp_path / "log"
    log.mkdir()
    ev = run([Echo()], files, workdir, {"echo": LogOptions(log=str(log))}, jobs=3)
    analyzed = (log / "echo.log").read_text().split()
    assert sorted(analyzed) == sorted(f.path for f in files)  # each file exactly once
    assert len({n.rsplit(" ", 1)[1] for n in ev.statuses[0].notes}) == 3  # three worker processes
    assert [f.path for f in ev.findings] == sorted(f.path for f in files)
    again = run([Echo()], files, workdir, {"echo": LogOptions()}, jobs=1)
    assert again.findings == ev.findings and again.facts == ev.facts and again.metrics == ev.metrics


def test_no_files_is_skipped(workdir: Path) -> None:
    ev = run([Echo()], [], workdir)
    assert ev.statuses[0].status is Status.SKIPPED


def test_unpicklable_adapters_run_in_process(workdir: Path) -> None:
    class Local:  # defined in a function: cannot be pickled into a worker
        name: ClassVar[str] = "local"
        Options: ClassVar[type[Options]] = Options
        per_file: ClassVar[bool] = True

        def version(self) -> str:
            return "1"

        def analyze(self, files: list[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
            return AnalyzerResult(notes=(f"pid {os.getpid()}",))

    ev = run([Local()], files_in(workdir, 1), workdir)
    assert ev.statuses[0].status is Status.OK and ev.statuses[0].notes == (f"pid {os.getpid()}",)


def test_adapters_that_ask_run_in_process_and_a_broken_hook_means_a_worker(workdir: Path) -> None:
    ev = run([Here(), BrokenHere()], files_in(workdir, 1), workdir)
    here, broken = ev.statuses
    assert here.status is Status.OK and here.notes == (f"pkg/m0.py: seen by echo {os.getpid()}",)
    assert broken.status is Status.OK and broken.notes != here.notes  # seen by a worker's pid


def test_in_process_adapters_count_against_jobs(workdir: Path, tmp_path: Path) -> None:
    meet = {
        "a": MeetOptions(rendezvous=str(tmp_path), me="a", other="b", wait=0.5),
        "b": MeetOptions(rendezvous=str(tmp_path), me="b", other="a", wait=0.5),
    }
    ev = run([MeetHere("a"), MeetHere("b")], files_in(workdir, 1), workdir, meet, jobs=1)
    assert [s.status for s in ev.statuses] == [Status.ERROR, Status.OK]  # one at a time
    for name in ("a", "b"):
        (tmp_path / name).unlink()
    meet = {k: v.model_copy(update={"wait": 60.0}) for k, v in meet.items()}
    ev = run([MeetHere("a"), MeetHere("b")], files_in(workdir, 1), workdir, meet, jobs=2)
    assert [s.status for s in ev.statuses] == [Status.OK, Status.OK]
    assert [s.notes for s in ev.statuses] == [("met b", f"pid {os.getpid()}"), ("met a", f"pid {os.getpid()}")]


def test_the_tool_driving_builtin_adapters_need_no_worker(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewbot.analyzers.bandit import Bandit
    from reviewbot.analyzers.facts import Facts, FactsOptions
    from reviewbot.analyzers.pylint import Pylint

    workers: list[str] = []
    monkeypatch.setattr(analysis, "_run_worker", lambda task, *_: workers.append(task.analyzer.name))
    sf = changed("app.py", "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n")
    materialize(workdir, [sf])
    facts = {"facts": FactsOptions(descriptions=False)}  # as in a review without an LLM
    ev = run([Facts(), Bandit(), Pylint(), Radon()], [sf], workdir, facts)
    assert workers == []
    assert [s.status for s in ev.statuses] == [Status.OK] * 4
    assert "B602" in {f.rule_id for f in ev.findings}
    ev = run([Facts()], [sf], workdir)  # describing defs for an LLM is facts' own heavy work: in a worker
    assert workers == ["facts"]


def test_an_interrupted_run_ends_the_tools_of_in_process_adapters(workdir: Path, tmp_path: Path) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")

    class Interrupted(Exception):
        pass

    def interrupt() -> None:
        for _ in range(1200):
            if (tmp_path / "tool.pid").is_file() and (tmp_path / "tool.pid").read_text():
                break
            time.sleep(0.05)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGUSR1)

    def raise_interrupted(signum: int, frame: object) -> None:
        raise Interrupted()

    previous = signal.signal(signal.SIGUSR1, raise_interrupted)
    try:
        threading.Thread(target=interrupt, daemon=True).start()
        with pytest.raises(Interrupted):
            run([SlowToolHere()], files_in(workdir, 1), workdir, {"slowtool": ToolOptions(log=str(tmp_path))})
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert (tmp_path / "adapter.pid").read_text() == str(os.getpid())
    assert not (tmp_path / "done").exists()  # the run did not wait for the tool: it ended it
    pid = int((tmp_path / "tool.pid").read_text())
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.05)
    assert not _alive(pid)


def test_a_broken_version_is_an_error(workdir: Path) -> None:
    class BadVersion(Echo):
        def version(self) -> str:
            raise OSError("cannot ask the tool")

    ev = run([BadVersion(), Echo()], files_in(workdir, 1), workdir)
    assert ev.statuses[0].status is Status.ERROR and "cannot ask the tool" in ev.statuses[0].message
    assert ev.statuses[1].status is Status.OK


def test_what_an_adapter_prints_corrupts_neither_its_result_nor_our_output(
    workdir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    ev = run([Chatty()], files_in(workdir, 2), workdir)
    assert ev.statuses[0].status is Status.OK and ev.statuses[0].findings == 2
    out, err = capfd.readouterr()
    assert "chatter" not in out and "chatter" not in err


def test_a_worker_runs_isolated_in_an_empty_directory_of_its_own(workdir: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    log.mkdir()
    from tests.security.probe_analyzer import EnvProbe, ProbeOptions

    ev = run([EnvProbe()], files_in(workdir, 1), workdir, {"envprobe": ProbeOptions(log=str(log))})
    assert ev.statuses[0].status is Status.OK
    [record] = [json.loads(p.read_text()) for p in log.iterdir()]
    assert record["isolated"] == 1 and record["pid"] != os.getpid()
    assert Path(record["cwd"]).name.startswith("reviewbot-cwd-") and not Path(record["cwd"]).exists()  # removed
    assert os.getcwd() not in record["path"] and "" not in record["path"]
