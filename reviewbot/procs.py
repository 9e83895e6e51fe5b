"""Every child process reviewbot runs is started, timed out and killed here: the analyzer workers, the tools (pylint,
bandit, semgrep, radon's worker), git, and the optional test command.

What every child gets, unless the caller says otherwise for a reason of its own:

- a working directory of its own: a new empty temporary directory, never the reviewed tree (git is told where the
  repository is with ``-C``; the test command runs in its scratch copy of the tree);
- an environment built from an allow-list (``tool_env``: PATH, HOME, the locale, TZ, the temp dirs, the user's
  name and the Windows basics) plus what the caller sets for its tool: no token, key or password, no ``PYTHON*``,
  no ``GIT_*``. The test command is the one exception: everything but ``GIT_*`` and secret-looking variables
  (``command_env``);
- a session (process group) of its own, so that a timeout kills it with everything it started; and it is reaped,
  whatever happens to the caller (an exception, the runner's SIGTERM turned into SystemExit).

Python children (``python``) run an isolated interpreter through ``reviewbot.importguard``: ``-I`` (no current or
script directory on ``sys.path``, ``PYTHON*`` ignored, no user site-packages) and an import guard that never
imports a module from under the denied roots (the scratch tree, the reviewed repository).

Nothing here raises for a child that cannot start, crashes or times out: ``run`` returns a ``ToolRun``.
"""

from __future__ import annotations

import contextvars
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from reviewbot import importguard

# --- environments ------------------------------------------------------------------------------------------------

ALLOWED_ENV = frozenset(
    {
        "PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TMP", "TEMP", "USER", "LOGNAME",
        # an interpreter built with a shared libpython outside the linker's paths cannot start without it
        "LD_LIBRARY_PATH",
        # Windows (names compared upper-cased)
        "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "USERNAME", "USERPROFILE", "HOMEDRIVE",
        "HOMEPATH", "APPDATA", "LOCALAPPDATA", "PROGRAMDATA", "PROGRAMFILES", "NUMBER_OF_PROCESSORS",
        "PROCESSOR_ARCHITECTURE", "OS",
    }
)  # fmt: skip

# Names that look like they hold a secret (the test command's environment drops them).
SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|API_?KEY|ACCESS_?KEY|PRIVATE|(?:^|_)KEYS?(?:_|$)|AUTH|COOKIE"
    r"|SESSION_?ID|^REVIEWBOT_LLM_",
    re.IGNORECASE,
)


def tool_env(extra: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allow-listed part of the environment plus ``extra`` (what the tool needs set)."""
    src = os.environ if environ is None else environ
    env = {k: v for k, v in src.items() if k.upper() in ALLOWED_ENV or k.upper().startswith("LC_")}
    if extra:
        env.update(extra)
    return env


def command_env(environ: Mapping[str, str] | None = None, secret_names: Iterable[str] = ()) -> dict[str, str]:
    """The environment of the opt-in test command: everything but ``GIT_*``, the variables that look like secrets,
    the ones named in ``secret_names`` (the LLM key's ``api-key-env``) and any other variable holding the same value
    as one of those."""
    src = os.environ if environ is None else environ
    named = {n.upper() for n in secret_names if n}
    secret = {k for k in src if SECRET_NAME.search(k) or k.upper() in named}
    values = {src[k] for k in secret if len(src[k]) >= 8}
    return {
        k: v
        for k, v in src.items()
        if not k.upper().startswith("GIT_") and k not in secret and v not in values
    }


# --- Python children ---------------------------------------------------------------------------------------------

Target = tuple[Literal["module", "path", "call"], str]  # runpy module, a file by path, or "pkg.mod:function"
Root = str | Path | None


@functools.lru_cache(maxsize=1)
def _boot() -> str:
    return Path(importguard.__file__).read_text(encoding="utf-8")


def python(
    target: Target,
    args: Sequence[object] = (),
    *,
    deny: Iterable[Root],
    path: Sequence[str] | None = None,
    pinned: importguard.Pinned | None = None,
    argv0: str | None = None,
) -> list[str]:
    """argv of an isolated interpreter running ``target`` with ``args``: imports from under ``deny`` refused
    (see ``reviewbot.importguard``). ``path``: the ``sys.path`` to use (default: the interpreter's own)."""
    spec: dict[str, Any] = {"run": list(target), "deny": [str(d) for d in deny if d]}
    if path is not None:
        spec["path"] = list(path)
    if pinned:
        spec["pinned"] = {k: list(v) for k, v in pinned.items()}
    if argv0:
        spec["argv0"] = argv0
    return [sys.executable, "-I", "-B", "-X", "utf8", "-c", _boot(), json.dumps(spec), *(str(a) for a in args)]


def _reals(roots: Iterable[Root]) -> tuple[str, ...]:
    return tuple(os.path.realpath(r) for r in roots if r)


def _kept(entry: object, here: str, roots: tuple[str, ...]) -> bool:
    if not isinstance(entry, str) or not entry or not os.path.isabs(entry):
        return False
    real = os.path.realpath(entry)
    if importguard.inside(real, importguard.install_dirs()):
        return True  # the standard library and site-packages, wherever the virtualenv is
    return real != here and not importguard.inside(real, roots)


def child_path(deny: Iterable[Root]) -> list[str]:
    """This process's ``sys.path`` for a child: without '' and the current directory, and without any entry inside
    the denied roots (the reviewed repository, the scratch tree)."""
    roots, here = _reals(deny), os.path.realpath(os.getcwd())
    return [e for e in sys.path if _kept(e, here, roots)]


def pinned_modules(deny: Iterable[Root]) -> dict[str, tuple[str, list[str] | None]]:
    """The modules this process runs that a child could not import the same way: top-level ones found through a
    ``sys.path`` entry the child does not get, and the top-level modules and packages located under a denied root
    (reviewbot's own checkout under review). The child may import exactly those files (``importguard``)."""
    roots, here, installed = _reals(deny), os.path.realpath(os.getcwd()), importguard.install_dirs()
    dropped = {here} | {os.path.realpath(e or os.curdir) for e in sys.path if isinstance(e, str)}
    dropped -= {os.path.realpath(e) for e in sys.path if _kept(e, here, roots)}
    real_dirs: dict[str, str] = {}
    pinned: dict[str, tuple[str, list[str] | None]] = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name.startswith("__") or not isinstance(file, str) or not os.path.isabs(file):
            continue
        folder = os.path.dirname(file)
        if folder not in real_dirs:
            real_dirs[folder] = os.path.realpath(folder)
        locations = getattr(module, "__path__", None)
        where = real_dirs[folder]  # a package's directory, or a module's folder
        if importguard.inside(where, installed):
            continue  # found where the child finds it too
        top = "." not in name
        parent = os.path.dirname(where) if locations is not None else where
        if (top and parent in dropped) or (importguard.inside(where, roots) and (top or locations is not None)):
            pinned[name] = (file, [str(p) for p in locations] if locations is not None else None)
    return pinned


# --- running -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolRun:
    """The outcome of one child. ``returncode`` is None when it did not run to completion."""

    argv: tuple[str, ...]
    returncode: int | None
    out: bytes
    err: bytes
    timed_out: bool = False
    error: str = ""  # could not be started (missing executable, permission denied)
    seconds: float = 0.0

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", "replace")

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


class Children:
    """The children one owner has running: ``stop`` ends them all and refuses new ones (an interrupted runner)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes]] = set()
        self._stopped = False
        self.grace = 0.0

    def add(self, proc: subprocess.Popen[bytes]) -> bool:
        with self._lock:
            if not self._stopped:
                self._live.add(proc)
        return not self._stopped

    def discard(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.discard(proc)

    def stop(self, grace: float = 0.0) -> None:
        with self._lock:
            self._stopped = True
            live = list(self._live)
        for proc in live:
            stop(proc, grace)


_OWNER: contextvars.ContextVar[Children | None] = contextvars.ContextVar("reviewbot_children", default=None)


@contextmanager
def owned_by(children: Children | None) -> Iterator[None]:
    """Children started in this block (this thread) without an owner of their own belong to ``children``: an adapter
    running in a thread of the runner has its tools ended with the workers when the run is interrupted."""
    token = _OWNER.set(children)
    try:
        yield
    finally:
        _OWNER.reset(token)


def find_executable(name: str) -> str | None:
    """``name`` next to the running interpreter (the same venv) first, then on PATH."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    if os.name == "posix":
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
    elif proc.poll() is None:  # pragma: no cover - Windows has no process groups of this kind
        proc.kill()


def stop(proc: subprocess.Popen[bytes], grace: float = 0.0) -> None:
    """End ``proc`` and everything in its session: SIGTERM first when ``grace`` (it may clean up: an analyzer worker
    kills the tools it started), then SIGKILL; reaped either way."""
    if grace > 0 and proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    _signal_group(proc, getattr(signal, "SIGKILL", signal.SIGTERM))  # and stragglers of one that has exited
    if proc.poll() is None:
        proc.kill()
    proc.wait()


@contextmanager
def _where(cwd: Path | None) -> Iterator[Path]:
    if cwd is not None:
        yield cwd
        return
    with tempfile.TemporaryDirectory(prefix="reviewbot-cwd-") as tmp:
        yield Path(tmp)


def _spawn(
    args: Sequence[str],
    where: Path,
    env: Mapping[str, str] | None,
    stdin: int | IO[Any] | None,
    stdout: int | IO[Any] | None,
    stderr: int | IO[Any] | None,
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        list(args),
        cwd=str(where),
        env=dict(env) if env is not None else tool_env(),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        start_new_session=os.name == "posix",
    )


@contextmanager
def _owned(proc: subprocess.Popen[bytes], children: Children | None, grace: float) -> Iterator[None]:
    children = children if children is not None else _OWNER.get()
    try:
        if children is not None and not children.add(proc):
            stop(proc)
        yield
    finally:
        stop(proc, grace if proc.poll() is None else 0.0)
        if children is not None:
            children.discard(proc)


@contextmanager
def started(
    argv: Sequence[object],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: int | IO[Any] | None = subprocess.DEVNULL,
    stdout: int | IO[Any] | None = subprocess.PIPE,
    stderr: int | IO[Any] | None = subprocess.PIPE,
    children: Children | None = None,
    grace: float = 0.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``argv`` in a session of its own, in ``cwd`` (default: a new empty directory) with ``env`` (default:
    ``tool_env()``); on leaving the block, however it is left, it and its session are ended (``stop``).
    Raises OSError when it cannot be started."""
    with _where(cwd) as where:
        proc = _spawn([str(a) for a in argv], where, env, stdin, stdout, stderr)
        with _owned(proc, children, grace):
            yield proc


def run(
    argv: Sequence[object],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    capture: bool = True,
    grace: float = 0.0,
    children: Children | None = None,
) -> ToolRun:
    """Run ``argv`` to completion or ``timeout`` (see ``started``); stdout/stderr are captured, or discarded when
    not ``capture``. On timeout the child's session is ended: SIGKILL, or SIGTERM and ``grace`` seconds first."""
    began = time.monotonic()
    args = tuple(str(a) for a in argv)
    timed_out = False
    sink = subprocess.PIPE if capture else subprocess.DEVNULL
    with _where(cwd) as where:
        try:
            proc = _spawn(args, where, env, subprocess.PIPE if stdin is not None else subprocess.DEVNULL, sink, sink)
        except OSError as exc:
            return ToolRun(args, None, b"", b"", error=exc.strerror or str(exc))
        with _owned(proc, children, grace):
            try:
                out, err = proc.communicate(stdin, timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                stop(proc, grace)
                try:
                    out, err = proc.communicate(timeout=5.0)
                except subprocess.TimeoutExpired:  # a descendant that left the session still holds the pipes
                    out, err = b"", b""
    return ToolRun(
        args,
        None if timed_out else proc.returncode,
        out or b"",
        err or b"",
        timed_out=timed_out,
        seconds=time.monotonic() - began,
    )
