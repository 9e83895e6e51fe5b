"""Every git call goes through here: fixed flags, a clean environment, errors that name command, code and stderr.

git runs through ``reviewbot.procs`` like every child: from an empty directory, told where the repository is with
``-C``, with the allow-listed environment (no inherited ``GIT_*``: a hook's GIT_DIR/GIT_INDEX_FILE would redirect
it; a staged review passes GIT_INDEX_FILE back explicitly). The flags keep the repository's and the user's config
from running anything: no fsmonitor, no hooks, no pager, no transport, no bare repository found by discovery (one
planted in the tree would bring its own config); the diffs are asked for with ``--no-ext-diff --no-textconv``.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from reviewbot import procs
from reviewbot.errors import GitError

# Flags that make git's output stable and parseable whatever the user's config says, and keep config from running
# commands. No attributes file of the user's decides what git reads as text (the reviewed tree's own
# .gitattributes: see _attr_flags).
_BASE = (
    "git", "--no-pager",
    "-c", "core.quotepath=off", "-c", "diff.noprefix=false", "-c", "color.ui=never",
    "-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}", "-c", "protocol.allow=never",
    "-c", "safe.bareRepository=explicit", "-c", f"core.attributesFile={os.devnull}",
)  # fmt: skip
_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
ATTR_SOURCE_SINCE = (2, 42)  # `git --attr-source=<tree>`: read attributes from that tree, not the working tree

_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@functools.cache
def version() -> tuple[int, ...]:
    """git's version as numbers, e.g. (2, 39, 5); (0,) when it cannot be told."""
    done = procs.run(["git", "version"], timeout=30, env=procs.tool_env(_ENV))
    found = re.search(rb"(\d+)\.(\d+)(?:\.(\d+))?", done.out or b"")
    return tuple(int(n) for n in found.groups() if n is not None) if found else (0,)


def _attr_flags() -> tuple[str, ...]:
    """Where git supports it, attributes come from the empty tree: the reviewed tree's .gitattributes is never read
    (no diff drivers, filters, eol or binary marks of its own). Older gits read it; reviewbot.content corrects for it."""
    return (f"--attr-source={EMPTY_TREE}",) if version() >= ATTR_SOURCE_SINCE else ()


def run(
    args: Sequence[str],
    cwd: Path,
    *,
    check: bool = True,
    input_bytes: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    attributes: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git -C cwd <args>`` (``env``: variables to set, e.g. GIT_INDEX_FILE) and return the completed process
    (stdout/stderr as bytes). ``attributes=False``: a command that reads no attributes (rev-parse, status), so no
    ``git version`` is asked to choose the flags for them."""
    attr = _attr_flags() if attributes else ()
    done = _spawn([_BASE[0], *attr, *_BASE[1:], "-C", str(Path(cwd).absolute()), *args], input_bytes, env, timeout)
    if attr and done.returncode and b"--attr-source" in (done.err or b""):  # e.g. a SHA-256 repository
        done = _spawn([*_BASE, "-C", str(Path(cwd).absolute()), *args], input_bytes, env, timeout)
    if done.error:
        raise GitError(f"git is not installed or not on PATH ({done.error})")
    if done.timed_out:
        raise GitError(f"`git {' '.join(args)}` timed out after {timeout:.0f} s")
    assert done.returncode is not None
    proc = subprocess.CompletedProcess(list(done.argv), done.returncode, done.out, done.err)
    if check and proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = stderr[-1] if stderr else "(no output)"
        raise GitError(f"`git {' '.join(args)}` failed with exit code {proc.returncode}: {detail}")
    return proc


def _spawn(cmd: list[str], input_bytes: bytes | None, env: Mapping[str, str] | None, timeout: float) -> procs.ToolRun:
    return procs.run(cmd, timeout=timeout, stdin=input_bytes, env=procs.tool_env({**_ENV, **(env or {})}))


def output(args: Sequence[str], cwd: Path, **kwargs: object) -> str:
    """stdout of ``git <args>`` as text (surrogateescape keeps undecodable path bytes round-trippable)."""
    return run(args, cwd, **kwargs).stdout.decode("utf-8", "surrogateescape")  # type: ignore[arg-type]


def toplevel(cwd: Path) -> Path:
    proc = run(["rev-parse", "--show-toplevel"], cwd, check=False, attributes=False)
    if proc.returncode != 0:
        raise GitError(f"{cwd}: not inside a git repository (run reviewbot in a repo, or use --patch FILE)")
    return Path(proc.stdout.decode("utf-8", "surrogateescape").strip())


def resolve(rev: str, cwd: Path) -> str:
    """The commit id of ``rev``; a clear error when it does not exist."""
    if rev.startswith("-"):
        raise GitError(f"invalid revision {rev!r}")
    proc = run(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd, check=False)
    if proc.returncode != 0:
        raise GitError(f"unknown revision {rev!r} in {cwd}")
    return proc.stdout.decode().strip()


def merge_base(a: str, b: str, cwd: Path) -> str:
    proc = run(["merge-base", a, b], cwd, check=False)
    if proc.returncode != 0:
        raise GitError(f"no merge base between {a!r} and {b!r} (is the history fetched? use fetch-depth: 0)")
    return proc.stdout.decode().strip()


def has_head(cwd: Path) -> bool:
    return run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd, check=False).returncode == 0


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def unquote_path(path: str) -> str:
    """Undo git's C-style quoting of a path (``"a\\tb"``, octal escapes of UTF-8 bytes); plain paths pass through."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    body = path[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 >= len(body):
            out += ch.encode("utf-8", "surrogateescape")
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _C_ESCAPES:
            out.append(_C_ESCAPES[nxt])
            i += 2
        elif nxt in "01234567" and i + 3 < len(body) + 1:
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += nxt.encode("utf-8", "surrogateescape")
            i += 2
    return out.decode("utf-8", "surrogateescape")
