"""The PR diff from the API's file list, for clones without the history to compute it (a shallow checkout).

``GET /pulls/{n}/files`` gives each file's status and its hunks (``patch``, absent for binary files and very large
diffs; at most 3,000 files). They are assembled into one unified diff, reviewed as a ``PatchSource``: post-images come
from the head commit when the clone has it, else from the checked-out tree (files that do not match the diff there
are skipped with that reason, never misreviewed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from reviewbot.diff import ChangedFile, FileStatus
from reviewbot.sources import PatchSource

from .trust import blob, has_commit

API_FILE_LIMIT = 3000


class ApiFile(Protocol):
    filename: str
    status: str
    patch: str | None
    previous_filename: str | None


def _name(prefix: str, path: str) -> str:
    # git ends a ---/+++ name that contains a space with a tab, so the name can be told from a timestamp
    return f"{prefix}{path}" + ("\t" if " " in path else "")


def file_diff(name: str, status: str, patch: str | None, previous: str | None = None) -> str:
    old = previous or name
    head = [f"diff --git a/{old} b/{name}"]
    minus, plus = _name("a/", old), _name("b/", name)
    if status == "added":
        head.append("new file mode 100644")
        minus = "/dev/null"
    elif status == "removed":
        head.append("deleted file mode 100644")
        plus = "/dev/null"
    elif status in ("renamed", "copied") and previous and previous != name:
        verb = "rename" if status == "renamed" else "copy"
        head += ["similarity index 90%", f"{verb} from {old}", f"{verb} to {name}"]
    if patch is None:
        if status in ("renamed", "copied"):
            return "\n".join(head) + "\n"
        left = minus if minus == "/dev/null" else f"a/{old}"
        right = plus if plus == "/dev/null" else f"b/{name}"
        return "\n".join([*head, f"Binary files {left} and {right} differ"]) + "\n"
    if not patch.strip():
        return "\n".join(head) + "\n"
    return "\n".join(head + [f"--- {minus}", f"+++ {plus}", patch.rstrip("\n")]) + "\n"


def unified_diff(files: Iterable[ApiFile]) -> tuple[str, list[str]]:
    """(diff text, notes) for the API's file list."""
    parts: list[str] = []
    notes: list[str] = []
    count = 0
    for f in files:
        count += 1
        if f.status == "unchanged":
            continue
        if f.patch is None and f.status not in ("renamed", "copied", "removed"):
            notes.append(f"{f.filename}: the API gives no diff for it (binary or too large); not reviewed")
        parts.append(file_diff(f.filename, f.status, f.patch, f.previous_filename))
    if count >= API_FILE_LIMIT:
        notes.append(f"the pull request has {API_FILE_LIMIT} or more files; the API lists only the first {API_FILE_LIMIT}")
    return "".join(parts), notes


@dataclass
class ApiPatchSource(PatchSource):
    """A PatchSource whose post-images come from the head commit when the clone has it."""

    head: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.head and has_commit(self.root, self.head):
            self.rev = self.head
        else:
            self.head = ""

    def after(self, f: ChangedFile) -> bytes | None:
        if f.status is FileStatus.DELETED:
            return None
        if self.head:
            return blob(self.root, self.head, f.path)
        return super().after(f)
