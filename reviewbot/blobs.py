"""Many blobs from git in one process: ``git cat-file --batch`` instead of one ``git cat-file -p`` per file.

A release range touches hundreds of files; starting git twice for each of them (pre-image and post-image) took
longer than everything else a cached re-run does. The sources (reviewbot/sources.py) ask for the blobs of the
changed Python files and of the files git calls binary (whose bytes are looked at) at once, up front, sizes first,
within a budget, and read the rest one by one as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reviewbot import git
from reviewbot.errors import GitError


BUDGET = 256_000_000  # bytes read up front at most; larger blobs and the rest are read one by one


def read_many(
    root: Path, names: Iterable[str], env: Mapping[str, str] | None = None, *, largest: int, budget: int = BUDGET
) -> dict[str, bytes | None]:
    """``{name: blob}`` for object names such as ``REV:path`` (``:path``: the index); None when git has no blob by
    that name. Left out: names git cannot take on one line, blobs over ``largest`` bytes, those past ``budget``
    bytes in all, and everything when git fails: the caller reads what is missing one by one."""
    wanted = [n for n in dict.fromkeys(names) if n and "\n" not in n and "\r" not in n]
    if not wanted:
        return {}
    sizes = _cat(root, ["--batch-check"], wanted, env)
    found: dict[str, bytes | None] = {}
    chosen, total = [], 0
    for name in wanted:
        if name not in sizes:
            break  # the reply stopped parsing: read the rest one by one
        size = sizes[name]
        if size is None:
            found[name] = None
        elif size <= largest and total + size <= budget:
            chosen.append(name)
            total += size
    if chosen:
        found.update(_cat(root, ["--batch"], chosen, env))
    return found


def _cat(root: Path, args: list[str], names: list[str], env: Mapping[str, str] | None) -> dict[str, Any]:
    """``git cat-file --batch`` (blobs) or ``--batch-check`` (their sizes) for ``names``; {} when git fails."""
    request = "".join(f"{n}\n" for n in names).encode("utf-8", "surrogateescape")
    try:
        proc = git.run(["cat-file", *args], root, check=False, input_bytes=request, env=env, timeout=300)
    except GitError:
        return {}
    if proc.returncode != 0:
        return {}
    return _parse(proc.stdout, names, with_data=args == ["--batch"])


def _parse(out: bytes, names: list[str], *, with_data: bool = True) -> dict[str, Any]:
    """The answers of ``git cat-file --batch``, one per name in order: ``<oid> <type> <size>\\n<data>\\n``, or
    ``<name> missing`` / ``<name> ambiguous``; without the data (``--batch-check``), the size of each blob. None for
    a name that is no blob. A reply that does not parse ends the reading there."""
    found: dict[str, Any] = {}
    pos = 0
    for name in names:
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end]
        pos = end + 1
        parts = header.rsplit(b" ", 2)
        if len(parts) != 3 or not parts[2].isdigit():
            if header.endswith((b" missing", b" ambiguous")):
                found[name] = None
                continue
            break
        size = int(parts[2])
        if not with_data:
            found[name] = size if parts[1] == b"blob" else None
            continue
        data = out[pos : pos + size]
        if len(data) != size or out[pos + size : pos + size + 1] != b"\n":
            break
        pos += size + 1
        found[name] = data if parts[1] == b"blob" else None
    return found
