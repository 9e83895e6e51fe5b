"""Read-only access to the repository for the call-site search: ``git grep`` for candidate files, their text at
a revision (``git cat-file --batch``) or in the working tree, and a key for the repository's state (cache)."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from reviewbot.analyzers import _subprocess


class RepoError(Exception):
    """git failed; the message is one line for a note."""


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
    run = _subprocess.git(args, root, timeout=timeout, errors="surrogateescape")
    if run.timed_out:
        raise RepoError(f"git grep timed out after {timeout:g} s")
    if run.returncode == 1 and not run.stdout:  # nothing matched
        return []
    if run.returncode != 0:
        raise RepoError(run.describe())
    prefix = f"{rev}:" if rev else ""
    out = []
    for item in run.stdout.split("\0"):
        if item:
            path = item[len(prefix) :] if prefix and item.startswith(prefix) else item
            out.append(path.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
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
    run = _subprocess.git(["cat-file", "--batch"], root, timeout=timeout, stdin=request, errors="surrogateescape")
    if not run.succeeded:
        raise RepoError(run.describe())
    data = run.stdout.encode("utf-8", "surrogateescape")  # byte-exact: the header sizes count bytes
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
    if rev:
        run = _subprocess.git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root, timeout=timeout)
        return f"rev {run.stdout.strip()}" if run.succeeded and run.stdout.strip() else None
    head = _subprocess.git(["rev-parse", "--verify", "--quiet", "HEAD"], root, timeout=timeout)
    args = ["diff", "HEAD", "--no-ext-diff", "--no-textconv", "--binary"]
    diff = _subprocess.git(args, root, timeout=timeout, errors="surrogateescape")
    if not head.succeeded or not diff.succeeded:
        return None
    h = hashlib.sha256(diff.stdout.encode("utf-8", "surrogateescape"))
    return f"worktree {head.stdout.strip()} {h.hexdigest()}"
