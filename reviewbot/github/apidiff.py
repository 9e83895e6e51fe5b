"""The PR diff from the API's file list, for clones without the history to compute it (a shallow checkout).

``GET /pulls/{n}/files`` gives each file's status and its hunks (``patch``, absent for binary files and very large
diffs; at most 3,000 files). They are assembled into one unified diff, reviewed as a ``PatchSource``: post-images come
from the head commit when the clone has it, else from the checked-out tree (files that do not match the diff there
are skipped with that reason, never misreviewed).

GitHub's "binary" follows the pull request's own ``.gitattributes`` (``*.py binary`` hides every Python diff), so a
file without a ``patch`` is judged by its bytes (``complete``): both versions are read (the head from the clone, the
base from the clone or the contents API), and a text file gets the text diff git computes for them; a file whose
versions cannot be read is named in the summary's notes, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import ClassVar, Protocol

from reviewbot.content import looks_binary, text_diffs
from reviewbot.diff import ChangedFile, FileStatus
from reviewbot.sources import PatchSource
from reviewbot.textio import MAX_FILE_BYTES

from .trust import blob, has_commit

API_FILE_LIMIT = 3000
CONTENT_DIFF_LIMIT = 200  # files without an API diff that are diffed from their contents (one API read each)

ReadBytes = Callable[[str], "bytes | None"]  # a path's bytes at one side of the PR; None when absent or unreadable


class ApiFile(Protocol):
    """What is read of PyGithub's File (and of FileEntry)."""

    @property
    def filename(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def patch(self) -> str | None: ...

    @property
    def previous_filename(self) -> str | None: ...


@dataclass(frozen=True)
class FileEntry:
    """One file of the API's list, its ``patch`` filled in from the file's contents where the API gave none."""

    filename: str
    status: str
    patch: str | None
    previous_filename: str | None
    judged: bool = False  # complete() looked at its bytes (and noted what it could not read)


def complete(files: Iterable[ApiFile], head: ReadBytes, base: ReadBytes) -> tuple[list[FileEntry], list[str]]:
    """The file list with a text diff, computed from the two versions, for every file the API gives none for
    whose bytes are text; (entries, notes on the files that could not be judged)."""
    entries: list[FileEntry] = []
    todo: list[tuple[int, bytes | None, bytes]] = []
    notes: list[str] = []
    over: list[str] = []
    for f in files:
        entries.append(FileEntry(f.filename, f.status, f.patch, f.previous_filename))
        if f.patch is not None or f.status in ("removed", "unchanged"):
            continue
        if len(todo) >= CONTENT_DIFF_LIMIT:
            over.append(f.filename)
            continue
        new = head(f.filename)
        old = None if f.status == "added" else base(f.previous_filename or f.filename)
        entries[-1] = replace(entries[-1], judged=True)
        missing = "head" if new is None else "base" if old is None and f.status != "added" else ""
        if new is None or missing:
            notes.append(f"{f.filename}: the API gives no diff for it and its {missing} version could not be read; "
                         "not reviewed")
        elif max(len(new), len(old or b"")) > MAX_FILE_BYTES:
            notes.append(f"{f.filename}: the API gives no diff for it and it is over {MAX_FILE_BYTES} bytes; "
                         "not reviewed")
        elif not (looks_binary(new) or looks_binary(old)):  # binary by its bytes stays without a diff
            todo.append((len(entries) - 1, old, new))
    for (i, _, _), section in zip(todo, text_diffs([(old, new) for _, old, new in todo])):
        at = section.find("\n@@")
        entries[i] = replace(entries[i], patch=section[at + 1 :] if at >= 0 else "")
    if over:
        notes.append(f"{len(over)} more file(s) without a diff from the API were not diffed from their contents "
                     f"(limit {CONTENT_DIFF_LIMIT}), not reviewed: {', '.join(over[:5])}{', ...' if len(over) > 5 else ''}")
    return entries, notes


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
        if f.patch is None and f.status not in ("renamed", "copied", "removed") and not getattr(f, "judged", False):
            notes.append(f"{f.filename}: the API gives no diff for it (binary or too large); not reviewed")
        parts.append(file_diff(f.filename, f.status, f.patch, f.previous_filename))
    if count >= API_FILE_LIMIT:
        notes.append(f"the pull request has {API_FILE_LIMIT} or more files; the API lists only the first {API_FILE_LIMIT}")
    return "".join(parts), notes


@dataclass
class ApiPatchSource(PatchSource):
    """A PatchSource whose post-images come from the head commit when the clone has it."""

    head: str = ""
    needs_tree: ClassVar[bool] = False  # post-images come from the head commit, and the API lists the PR's files

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
