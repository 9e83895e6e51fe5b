"""The diff model: a Patch of ChangedFiles with their hunks, parsed from unified diff text by ``unidiff``.

Only the extended git header lines that unidiff does not interpret (modes, copies, quoted paths) are read here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property

import unidiff
from unidiff.errors import UnidiffParseError

from reviewbot.errors import DiffError
from reviewbot.git import unquote_path

SYMLINK_MODE = "120000"
SUBMODULE_MODE = "160000"


class FileStatus(str, enum.Enum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"


@dataclass(frozen=True)
class Hunk:
    source_start: int
    source_length: int
    target_start: int
    target_length: int
    lines: tuple[tuple[str, str], ...]  # (" " | "+" | "-", text without the newline)

    @property
    def target_end(self) -> int:
        return self.target_start + max(self.target_length, 1) - 1

    @cached_property
    def added(self) -> tuple[int, ...]:
        """New-file line numbers this hunk adds."""
        out, n = [], self.target_start
        for kind, _ in self.lines:
            if kind == "+":
                out.append(n)
            if kind != "-":
                n += 1
        return tuple(out)


@dataclass(frozen=True)
class ChangedFile:
    path: str  # the post-image path (the pre-image path for a deleted file)
    old_path: str | None
    status: FileStatus
    hunks: tuple[Hunk, ...] = ()
    binary: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    old_oid: str | None = None  # the blob ids of git's ``index`` line (None when absent or all zeros)
    new_oid: str | None = None

    @property
    def is_symlink(self) -> bool:
        return SYMLINK_MODE in (self.new_mode, self.old_mode)

    @property
    def is_submodule(self) -> bool:
        return SUBMODULE_MODE in (self.new_mode, self.old_mode)

    @property
    def mode_only(self) -> bool:
        return not self.hunks and not self.binary and self.old_mode != self.new_mode and self.new_mode is not None

    @cached_property
    def added_lines(self) -> frozenset[int]:
        return frozenset(n for h in self.hunks for n in h.added)

    @property
    def hunk_ranges(self) -> tuple[tuple[int, int], ...]:
        return tuple((h.target_start, h.target_end) for h in self.hunks if h.target_length > 0)

    @property
    def is_python(self) -> bool:
        return self.path.endswith((".py", ".pyi"))


@dataclass(frozen=True)
class Patch:
    files: tuple[ChangedFile, ...]

    def __bool__(self) -> bool:
        return bool(self.files)


def _strip_prefix(raw: str | None) -> str | None:
    if raw is None:
        return None
    name = unquote_path(raw.strip())
    if name == "/dev/null":
        return None
    if name.startswith(("a/", "b/")):
        return name[2:]
    return name


def _header_value(info: list[str], key: str) -> str | None:
    for line in info:
        if line.startswith(key):
            return line[len(key) :].rstrip("\r\n")
    return None


def _from_header_line(info: list[str]) -> tuple[str | None, str | None]:
    """Paths from ``diff --git a/X b/Y`` when there are no ---/+++ lines (mode-only, binary, pure rename)."""
    first = info[0].rstrip("\r\n") if info else ""
    if not first.startswith("diff --git "):
        return None, None
    rest = first[len("diff --git ") :]
    if rest.startswith('"'):
        end = rest.index('"', 1)
        while rest[end - 1] == "\\" and rest[end - 2] != "\\":
            end = rest.index('"', end + 1)
        return _strip_prefix(rest[: end + 1]), _strip_prefix(rest[end + 1 :])
    # Unquoted: "a/P b/P" where both halves are equal when not renamed; split at the middle " b/".
    half = (len(rest) - 1) // 2
    if rest[half] == " " and rest[half + 1 : half + 3] == "b/":
        return _strip_prefix(rest[:half]), _strip_prefix(rest[half + 1 :])
    a, _, b = rest.partition(" b/")
    return _strip_prefix(a), _strip_prefix("b/" + b) if b else None


def _changed_file(pf: unidiff.PatchedFile) -> ChangedFile:
    info = [str(line) for line in (pf.patch_info or [])]
    src, dst = _strip_prefix(pf.source_file), _strip_prefix(pf.target_file)
    if src is None and dst is None:
        src, dst = _from_header_line(info)
    new_file_mode = _header_value(info, "new file mode ")
    deleted_mode = _header_value(info, "deleted file mode ")
    old_mode = _header_value(info, "old mode ") or deleted_mode
    new_mode = _header_value(info, "new mode ") or new_file_mode
    index = _header_value(info, "index ")
    if index and " " in index:  # "index abc..def 100644": the mode of an unchanged-mode file
        mode = index.rsplit(" ", 1)[1]
        old_mode = old_mode or (None if new_file_mode else mode)
        new_mode = new_mode or (None if deleted_mode else mode)
    old_oid, new_oid = _oids(index)

    rename_from, rename_to = _header_value(info, "rename from "), _header_value(info, "rename to ")
    copy_from, copy_to = _header_value(info, "copy from "), _header_value(info, "copy to ")
    if copy_from is not None and copy_to is not None:
        status, old, new = FileStatus.COPIED, unquote_path(copy_from), unquote_path(copy_to)
    elif rename_from is not None and rename_to is not None:
        status, old, new = FileStatus.RENAMED, unquote_path(rename_from), unquote_path(rename_to)
    elif new_file_mode is not None or (src is None and dst is not None):
        status, old, new = FileStatus.ADDED, None, dst or ""
    elif deleted_mode is not None or (dst is None and src is not None):
        status, old, new = FileStatus.DELETED, src, src or ""
    else:
        status, old, new = FileStatus.MODIFIED, src, dst or src or ""
    hunks = tuple(
        Hunk(
            h.source_start,
            h.source_length,
            h.target_start,
            h.target_length,
            tuple((ln.line_type, ln.value.rstrip("\n")) for ln in h if ln.line_type in ("+", "-", " ")),
        )
        for h in pf
    )
    return ChangedFile(
        path=new,
        old_path=old,
        status=status,
        hunks=hunks,
        binary=pf.is_binary_file,
        old_mode=old_mode,
        new_mode=new_mode,
        old_oid=old_oid,
        new_oid=new_oid,
    )


def _oids(index: str | None) -> tuple[str | None, str | None]:
    """The two blob ids of ``index abc..def [mode]``; an all-zero id (no blob) is None."""
    if not index or ".." not in index:
        return None, None
    old, new = index.split(" ", 1)[0].split("..", 1)
    return (old if old.strip("0") else None), (new if new.strip("0") else None)


def parse_patch(text: str, *, origin: str = "diff") -> Patch:
    """Parse unified diff text (git's extended format included). Raises DiffError naming ``origin`` on garbage."""
    if not text.strip():
        return Patch(())
    try:
        patch_set = unidiff.PatchSet(text)
    except UnidiffParseError as exc:
        raise DiffError(f"{origin}: not a valid unified diff ({exc})") from exc
    except (IndexError, ValueError) as exc:  # unidiff's own failure modes on truncated input
        raise DiffError(f"{origin}: not a valid unified diff ({exc.__class__.__name__}: {exc})") from exc
    if not patch_set:
        raise DiffError(f"{origin}: no file changes found (expected a unified diff such as `git diff` prints)")
    return Patch(tuple(_changed_file(pf) for pf in patch_set))
