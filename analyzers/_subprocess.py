"""Running a tool as a subprocess, once and safely: a clean environment, a working directory outside the scanned
tree, a timeout that kills the tool's whole process group, and a result value instead of an exception.

Used by the adapters (pylint, bandit, semgrep, radon's worker, git for the call-site search). Never raises for a
missing executable, a crash or a timeout: the caller turns ``ToolRun`` into an ``AnalyzerResult.error``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Variables that make a tool read configuration, code or plug-ins from somewhere we did not choose.
_DROP_VARS = frozenset(
    {
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "PYTHONINSPECT",
        "PYTHONBREAKPOINT",
        "PYTHONWARNINGS",
        "PYTHONUSERBASE",
        "PYTHONEXECUTABLE",
        "PYLINTRC",
        "PYLINTHOME",
        "BANDIT_CONFIG",
        "SEMGREP_RULES",
        "SEMGREP_APP_TOKEN",
        "SEMGREP_SEND_METRICS",
        "SEMGREP_ENABLE_VERSION_CHECK",
    }
)


@dataclass(frozen=True)
class ToolRun:
    """The outcome of one subprocess. ``returncode`` is None when it did not run to completion."""

    argv: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool = False
    error: str = ""  # could not be started (missing executable, permission denied)
    seconds: float = 0.0

    @property
    def completed(self) -> bool:
        """It ran and exited by itself (whatever its exit status)."""
        return self.returncode is not None and not self.timed_out and not self.error

    @property
    def succeeded(self) -> bool:
        return self.completed and self.returncode == 0

    def describe(self, limit: int = 300) -> str:
        """One line for an error message: the command, its exit code and the tail of its stderr."""
        name = Path(self.argv[0]).name if self.argv else "?"
        if self.error:
            return f"{name}: {self.error}"
        if self.timed_out:
            return f"{name}: timed out after {self.seconds:.0f} s"
        tail = " ".join((self.stderr.strip() or self.stdout.strip()).splitlines()[-3:])
        if len(tail) > limit:
            tail = "..." + tail[-limit:]
        return f"{name} exited with {self.returncode}" + (f": {tail}" if tail else "")


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment without ``GIT_*`` and the variables that point tools at foreign code or config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in _DROP_VARS}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONUTF8"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    if extra:
        env.update(extra)
    return env


def find_executable(name: str) -> str | None:
    """``name`` next to the running interpreter (the same venv) first, then on PATH."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    if os.name == "posix":
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    else:  # pragma: no cover - Windows has no process groups of this kind
        proc.kill()


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    errors: str = "replace",
) -> ToolRun:
    """Run ``argv`` in ``cwd`` (which must lie outside the scanned tree) with a clean environment.

    The tool gets its own process group; on timeout, or if the caller is interrupted (the runner's SIGTERM), the
    whole group is killed, so helpers the tool started (semgrep-core, pylint workers) do not outlive it.
    """
    import time

    started = time.monotonic()
    args = tuple(str(a) for a in argv)
    proc: subprocess.Popen[bytes] | None = None
    timed_out = False
    try:
        try:
            proc = subprocess.Popen(
                args,
                cwd=str(cwd),
                env=dict(env) if env is not None else clean_env(),
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            return ToolRun(args, None, "", "", error=exc.strerror or str(exc))
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            out, err = proc.communicate()
    finally:
        # Reap stragglers in the group (also on KeyboardInterrupt / the runner's SIGTERM).
        if proc is not None:
            _kill_group(proc)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return ToolRun(
        args,
        None if timed_out else proc.returncode,
        out.decode("utf-8", errors),
        err.decode("utf-8", "replace"),
        timed_out=timed_out,
        seconds=time.monotonic() - started,
    )


def git(
    args: Sequence[str], repo: Path, *, timeout: float = 60.0, stdin: bytes | None = None, errors: str = "replace"
) -> ToolRun:
    """``git -C repo args`` with quoted paths off, no fsmonitor hook, and no inherited ``GIT_*`` variables.
    ``errors="surrogateescape"`` keeps stdout byte-exact (``run.stdout.encode("utf-8", "surrogateescape")``)."""
    exe = shutil.which("git") or "git"
    argv = [exe, "-c", "core.quotepath=off", "-c", "core.fsmonitor=false", "-C", str(repo), *args]
    env = clean_env({"GIT_TERMINAL_PROMPT": "0"})
    return run(argv, cwd=repo, timeout=timeout, stdin=stdin, env=env, errors=errors)
