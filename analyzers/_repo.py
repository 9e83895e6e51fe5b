"""Read-only access to the repository for the call-site search: ``git grep`` for candidate files, their text at
a revision (``git cat-file --batch``) or in the working tree, and a key for the repository's state (cache)."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from reviewbot import git
from reviewbot.errors import GitError


class RepoError(Exception):
    """git failed; the message is one line for a note."""


def _git(args: Sequence[str], root: Path, timeout: float, stdin: bytes | None = None) -> tuple[int, bytes, str]:
    """(exit code, stdout, last line of stderr) of ``git -C root args`` (``reviewbot.git``); RepoError when it
    cannot be run or times out."""
    try:
        proc = git.run(args, root, check=False, input_bytes=stdin, timeout=timeout)
    except GitError as exc:
        raise RepoError(str(exc)) from exc
    tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
    return proc.returncode, proc.stdout, tail[0] if tail else ""


def grep_files(root: Path, rev: str | None, names: Sequence[str], timeout: float) -> list[str]:
    """Repository-relative paths of the ``*.py`` files (tracked, at ``rev`` or in the working tree) that contain
    one of ``names`` as a whole word."""
    if not names:
        return []
    args = ["grep", "-l", "-z", "-I", "-w", "-F", "--no-color"]
    for n in names:
        args += ["-e", n]
    if rev:
        args.append(rev)
    args += ["--", "*.py"]
    code, stdout, err = _git(args, root, timeout)
    if code == 1 and not stdout:  # nothing matched
        return []
    if code != 0:
        raise RepoError(f"git grep exited with {code}" + (f": {err}" if err else ""))
    prefix = f"{rev}:".encode("utf-8", "surrogateescape") if rev else b""
    out = []
    for item in stdout.split(b"\0"):
        if item:
            path = item[len(prefix) :] if prefix and item.startswith(prefix) else item
            out.append(path.decode("utf-8", "replace"))
    return out


def read_texts(
    root: Path, rev: str | None, paths: Sequence[str], max_file_bytes: int, timeout: float
) -> Iterator[tuple[str, str | None]]:
    """(path, text) for each path, text None when unreadable, not a regular file, or over ``max_file_bytes``."""
    if rev:
        yield from _read_blobs(root, rev, paths, max_file_bytes, timeout)
        return
    for path in paths:
        full = root / path
        try:
            st = os.lstat(full)
        except OSError:
            yield path, None
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_file_bytes:
            yield path, None
            continue
        try:
            yield path, full.read_bytes().decode("utf-8", "replace")
        except OSError:
            yield path, None


def _read_blobs(
    root: Path, rev: str, paths: Sequence[str], max_file_bytes: int, timeout: float
) -> Iterator[tuple[str, str | None]]:
    if not paths:
        return
    request = "".join(f"{rev}:{p}\n" for p in paths).encode("utf-8", "surrogateescape")
    code, data, err = _git(["cat-file", "--batch"], root, timeout, request)  # bytes: the header sizes count bytes
    if code != 0:
        raise RepoError(f"git cat-file exited with {code}" + (f": {err}" if err else ""))
    pos = 0
    for path in paths:
        nl = data.find(b"\n", pos)
        if nl < 0:
            yield path, None
            continue
        header = data[pos:nl].split()
        pos = nl + 1
        if len(header) < 3 or header[1] != b"blob":
            yield path, None  # "<name> missing"
            continue
        size = int(header[2])
        blob = data[pos : pos + size]
        pos += size + 1
        yield path, None if size > max_file_bytes else blob.decode("utf-8", "replace")


def state_key(root: Path, rev: str | None, timeout: float = 30.0) -> str | None:
    """Something that changes whenever what the call-site search would read changes; None if git cannot say."""
    try:
        if rev:
            code, out, _ = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root, timeout)
            return f"rev {out.decode().strip()}" if code == 0 and out.strip() else None
        head, sha, _ = _git(["rev-parse", "--verify", "--quiet", "HEAD"], root, timeout)
        diff, patch, _ = _git(["diff", "HEAD", "--no-ext-diff", "--no-textconv", "--binary"], root, timeout)
    except RepoError:
        return None
    if head != 0 or diff != 0:
        return None
    return f"worktree {sha.decode().strip()} {hashlib.sha256(patch).hexdigest()}"
