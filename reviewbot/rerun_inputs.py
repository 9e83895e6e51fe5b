"""What a whole review depends on, told cheaply: the key of ``reviewbot.rerun``'s replay cache, and the record of
the files a review read.

The key is computed before any heavy import (no pydantic, libcst, analyzer or discriminator module): reviewbot's
own files (code, rule pack, prompts), the interpreter and the installed distributions, the executables the
analyzers start, the command's arguments and working directory, the environment (every variable but a few that
only describe the terminal), the config files the settings could come from (along the directory walk, and the
user config), and the repository:
for a commit range the commits the refs resolve to; otherwise ``git status`` (HEAD, the index, every changed or
untracked file) with the content of each file it lists, plus the patch file's bytes for ``--patch``.

What the settings then point at (a rule file, an rc file, a cassette, a baseline) is learnt by watching the cold
run: ``Reads`` records, through an audit hook, every file opened for reading and every directory listed by this
process outside the interpreter's installation, reviewbot's package and the cache; their contents are stored with
the result and compared on the next run. Children (the tools, git) are covered by the key: they read the scratch
copy, the commits, or the tracked tree that ``git status`` vouches for.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from reviewbot import __version__

SCHEMA = 1
# Variables that describe the terminal or the shell, never the review (the rest of the environment is in the key:
# secrets decide what is redacted, PATH which tools run, GIT_* and REVIEWBOT_* what is read and how).
VOLATILE_ENV = frozenset({
    "_", "OLDPWD", "PWD", "SHLVL", "COLUMNS", "LINES", "TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION",
    "TERM_SESSION_ID", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "WINDOWID", "DISPLAY", "SSH_CLIENT",
    "SSH_CONNECTION", "SSH_TTY", "TMUX", "TMUX_PANE", "STY", "PS1", "PROMPT_COMMAND", "ITERM_SESSION_ID",
    "PYTEST_CURRENT_TEST",
})  # fmt: skip
TOOLS = ("semgrep",)  # executables found on PATH or next to the interpreter (the others run as modules)
CONFIG_NAMES = (".reviewbot.toml", "pyproject.toml")
LARGE = 64 * 2**20  # files above this are told by size and mtime, not content
PACKAGE = Path(__file__).resolve().parent
_HEX = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def digest(*parts: object) -> str:
    blob = json.dumps([SCHEMA, *parts], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def file_state(path: Path) -> str:
    """The content of ``path`` as a short string: a digest, ``dir`` + its names, ``link`` + its target, or
    ``absent``; never raises."""
    try:
        st = os.lstat(path)
    except OSError:
        return "absent"
    try:
        if stat.S_ISLNK(st.st_mode):
            return "link " + os.readlink(path)
        if stat.S_ISDIR(st.st_mode):
            return "dir " + digest(sorted(os.listdir(path)))
        if not stat.S_ISREG(st.st_mode):
            return f"special {st.st_mode:o}"
        if st.st_size > LARGE:
            return f"large {st.st_size} {st.st_mtime_ns}"
        h = hashlib.sha256()
        with open(path, "rb") as fh:  # noqa: PTH123 - the fastest way to hash
            h.update(fh.read())
        return h.hexdigest()
    except OSError as exc:
        return f"unreadable {exc.errno}"


def code_state() -> list[object]:
    """reviewbot's version and every file of its package (rules and prompts included) by size and modification
    time, the interpreter, the installed distributions (names with versions), and the tools' executables."""
    package = []
    for folder, dirs, files in os.walk(PACKAGE, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith((".pyc", ".pyo")):
                path = os.path.join(folder, name)
                package.append([os.path.relpath(path, PACKAGE), *_stat(path)])
    dists: list[str] = []
    for entry in sys.path:
        try:
            dists.extend(sorted(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info"))))
        except OSError:
            continue
    tools = {}
    for name in TOOLS:
        exe = _executable(name)
        tools[name] = [exe, _stat(exe)] if exe else None
    return [__version__, digest(package), sys.version, sys.executable, dists, tools]


def _executable(name: str) -> str | None:
    import shutil

    here = Path(sys.executable).parent / name  # as reviewbot.procs.find_executable looks for it
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which(name)


def _stat(path: str) -> list[int]:
    try:
        st = os.stat(path)
    except OSError:
        return []
    return [st.st_size, st.st_mtime_ns]


def environment(environ: Mapping[str, str]) -> str:
    """A digest of the environment but its terminal-only variables (the values never leave the digest)."""
    return digest(sorted((k, v) for k, v in environ.items() if k not in VOLATILE_ENV))


def config_files(cwd: Path, user_config: Path | None) -> list[object]:
    """Every file the settings could be read from, with its content state: the config candidates from ``cwd`` up
    to the filesystem's root (the repository's root is on the way) and the user config. Absent files count too:
    creating one changes the settings, even where git does not look (an ignored ``.reviewbot.toml``)."""
    out: list[object] = []
    current = cwd.resolve()
    while True:
        out.extend([str(current / n), file_state(current / n)] for n in CONFIG_NAMES)
        if current.parent == current:
            break
        current = current.parent
    if user_config is not None:
        out.append([str(user_config), file_state(user_config)])
    return out


def worktree_state(cwd: Path, index_file: str | None, skip: Sequence[Path] = ()) -> list[object] | None:
    """HEAD, the index and the working tree as ``git status`` sees them, with the content of every file it lists
    (modified, added, untracked); None when git cannot tell (not a repository). What the review itself writes does
    not count: files at or under ``skip`` (the cache directory, the ``--output`` file, when they are in the tree)."""
    from reviewbot import git
    from reviewbot.errors import GitError

    try:
        root = git.toplevel(cwd)  # porcelain paths are relative to the root, wherever git runs
    except GitError:
        return None
    args = ["--no-optional-locks", "status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all",
            "--ignore-submodules=none"]
    try:
        # with the attribute flags: status may compare contents, and the tree's .gitattributes must not choose how
        proc = git.run(args, root, check=False, env={"GIT_INDEX_FILE": index_file} if index_file else None)
    except GitError:
        return None
    if proc.returncode != 0:
        return None
    skipped = tuple(os.path.abspath(p) for p in skip)
    h = hashlib.sha256()
    listed = []
    records = iter(proc.stdout.split(b"\0"))
    for rec in records:
        kind = rec[:1]
        if kind == b"1":
            path = rec.split(b" ", 8)[-1]
        elif kind == b"2":  # a rename: the original path is the next record
            rec += b"\0" + next(records, b"")
            path = rec.split(b" ", 9)[-1].split(b"\0")[0]
        elif kind == b"u":
            path = rec.split(b" ", 10)[-1]
        elif kind in (b"?", b"!"):
            path = rec[2:]
        else:  # the headers ("# branch.oid ...") and the end
            h.update(rec + b"\0")
            continue
        name = path.decode("utf-8", "surrogateescape")
        full = os.path.join(root, name)
        if any(full == p or full.startswith(os.path.join(p, "")) for p in skipped):
            continue
        h.update(rec + b"\0")
        listed.append(name)
    return [str(root), h.hexdigest(), [[p, file_state(root / p)] for p in sorted(set(listed))]]


def commits(cwd: Path, refs: Sequence[str]) -> list[str] | None:
    """The commits ``refs`` name in the repository of ``cwd``; None when one does not resolve (the cold run
    reports it) or there is no repository."""
    from reviewbot import git
    from reviewbot.errors import GitError

    if any(not r or r.startswith("-") for r in refs):
        return None
    try:
        proc = git.run(["rev-parse", *(f"{r}^{{commit}}" for r in refs)], cwd, check=False, attributes=False)
    except GitError:
        return None
    shas = proc.stdout.decode("ascii", "replace").split()
    if proc.returncode != 0 or len(shas) != len(refs) or not all(_HEX.fullmatch(s) for s in shas):
        return None
    return shas


class Reads:
    """The files this process opens for reading and the directories it lists while recording, outside
    ``ignored`` folders (the interpreter, reviewbot's package, the cache, the system's pseudo-filesystems).

    One audit hook serves every recording (hooks cannot be removed); only the innermost recording collects."""

    _active: Reads | None = None
    _installed = False
    _lock = threading.Lock()

    def __init__(self, ignored: Iterable[Path], *, active: bool = True) -> None:
        self.active = active
        skip = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, str(PACKAGE), "/proc", "/sys",
                "/dev", *(str(p) for p in ignored)}
        self._skip = tuple(os.path.join(os.path.realpath(p), "") for p in skip if p)
        self.files: set[str] = set()
        self.dirs: set[str] = set()

    def __enter__(self) -> Reads:
        self._outer = Reads._active
        if not self.active:
            return self
        with Reads._lock:
            if not Reads._installed:
                sys.addaudithook(_hook)
                Reads._installed = True
            Reads._active = self
        return self

    def __exit__(self, *exc: object) -> None:
        if self.active:
            Reads._active = self._outer

    def note(self, path: object, kind: str) -> None:
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            return  # a file descriptor
        full = os.path.abspath(path)
        if full.endswith(".pyc") and "__pycache__" in full:  # a module's bytecode: its source is what may change
            try:
                full = importlib.util.source_from_cache(full)
            except ValueError:
                pass
        if full.startswith(self._skip):
            return
        (self.files if kind == "file" else self.dirs).add(full)

    def manifest(self) -> list[list[str]]:
        """[kind, path, state] of everything read, as it is now. Temporary files already gone (the scratch copy)
        are left out: they were the run's own."""
        tmp = os.path.join(os.path.realpath(tempfile.gettempdir()), "")
        out = []
        for kind, paths in (("file", self.files), ("dir", self.dirs)):
            for path in sorted(paths):
                state = file_state(Path(path))
                if state == "absent" and os.path.realpath(path).startswith(tmp):
                    continue
                if kind == "dir" and not state.startswith("dir "):
                    kind = "file"
                out.append([kind, path, state])
        return out


_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _hook(event: str, args: tuple[object, ...]) -> None:
    reads = Reads._active
    if reads is None:
        return
    try:
        _record(reads, event, args)
    except Exception:  # noqa: BLE001 - an audit hook that raises would fail the open itself
        pass


def _record(reads: Reads, event: str, args: tuple[object, ...]) -> None:
    if event == "open":
        path, mode, flags = (args + (None, None, None))[:3]
        if isinstance(mode, str) and any(c in mode for c in "wax+"):
            return
        if mode is None and isinstance(flags, int) and flags & (_WRITE | _DIRECTORY):
            return  # written, or a directory opened to walk it
        if mode is None and isinstance(path, (str, bytes)) and not os.path.isabs(path):
            return  # os.open of a name relative to a directory's descriptor (shutil.rmtree of the scratch copy)
        reads.note(path, "file")
    elif event in ("os.listdir", "os.scandir"):
        reads.note(args[0] if args else ".", "dir")


def unchanged(manifest: object) -> bool:
    """Does everything in ``manifest`` (``Reads.manifest``) read the same now?"""
    if not isinstance(manifest, list):
        return False
    for item in manifest:
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
            return False
        _kind, path, state = item
        if file_state(Path(path)) != state:
            return False
    return True
