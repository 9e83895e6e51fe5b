"""Reading file contents safely: bytes decoded deliberately, symlinks never followed, special files never opened."""

from __future__ import annotations

import io
import os
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 2_000_000  # larger files are skipped (generated code, vendored bundles)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    lossy: bool  # some bytes could not be decoded and were replaced


def decode_source(data: bytes) -> Decoded:
    """Decode Python source the way the interpreter would (BOM, PEP 263 cookie), never raising.

    Undecodable bytes become U+FFFD and ``lossy`` is set, so a review can say so instead of crashing.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError):
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
        lossy = False
    except (UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", "replace")
        encoding, lossy = "utf-8", True
    if text.startswith("\ufeff"):
        text = text[1:]
    return Decoded(text, "utf-8" if encoding == "utf-8-sig" else encoding, lossy)


class UnsafePath(Exception):
    """The path escapes the repository, goes through a symlink, or names a special file."""


def safe_path(root: Path, rel: str) -> Path:
    """``root / rel`` after checking that ``rel`` stays inside ``root`` and crosses no symlink.

    Raises UnsafePath with a short reason otherwise. The final component may be missing (deleted file).
    """
    parts = Path(rel).parts
    if not parts or Path(rel).is_absolute() or any(p in ("..", "") for p in parts):
        raise UnsafePath("path leaves the repository")
    current = root
    for i, part in enumerate(parts):
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return root.joinpath(*parts)
        if stat.S_ISLNK(st.st_mode):
            raise UnsafePath("symlink" if i == len(parts) - 1 else "inside a symlinked directory")
        if i < len(parts) - 1 and not stat.S_ISDIR(st.st_mode):
            raise UnsafePath("parent is not a directory")
    return current


def read_regular_file(root: Path, rel: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of a regular file under ``root``; None if it does not exist.

    Symlinks (anywhere on the path), FIFOs, devices and sockets raise UnsafePath and are never opened; files over
    ``limit`` raise UnsafePath("too large"). The file is opened with O_NOFOLLOW so a swap after the check fails.
    """
    path = safe_path(root, rel)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise UnsafePath("not a regular file")
    if st.st_size > limit:
        raise UnsafePath(f"too large ({st.st_size} bytes)")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafePath("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1)
    finally:
        os.close(fd)
