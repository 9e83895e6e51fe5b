"""What is text, and what the hunks are, is decided by the bytes, never by the reviewed tree's attributes.

A pull request controls its own ``.gitattributes``: ``*.py binary`` or ``-diff`` makes git print "Binary files
differ", a ``diff=`` driver with ``binary`` or ``textconv`` does the same or blanks the text, ``filter=`` runs a clean
command of the user's config on working-tree files, ``text``/``eol``/``working-tree-encoding`` convert them before
git diffs them. git.py asks git not to read in-tree attributes at all (``--attr-source``, git >= 2.42); for every git
version the diff git printed is then checked against the bytes themselves:

- binary means a NUL byte in the first 8,000 bytes of either side (git's own rule when no attribute says otherwise);
- a file git reported as binary whose bytes are text is diffed again, as text, from its bytes;
- a working-tree file whose post-image git saw differently from the bytes on disk (its blob id in the diff is not
  that of the file) is diffed again from the bytes on disk.

The re-diff is one ``git diff --no-index --text`` over two scratch directories of numbered files, outside any
repository: no attributes, no filters, no textconv, no external diff, so the hunks are those git computes for these
bytes with the user's own diff settings (algorithm, context).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from reviewbot import git
from reviewbot.diff import ChangedFile, FileStatus, Hunk, Patch, parse_patch
from reviewbot.errors import GitError
from reviewbot.textio import UnsafePath

FIRST_FEW_BYTES = 8000  # how much of a file git looks at for a NUL byte (xdiff's buffer_is_binary)

Read = Callable[[ChangedFile], "bytes | None"]

_TEXT_DIFF = ("diff", "--no-index", "--text", "--no-ext-diff", "--no-textconv", "--no-color", "--no-renames",
              "--src-prefix=a/", "--dst-prefix=b/")
_SECTION = re.compile(r"diff --git a/a/(\d+) b/b/(\d+)\n")


def looks_binary(data: bytes | None) -> bool:
    return data is not None and b"\0" in data[:FIRST_FEW_BYTES]


def blob_id(data: bytes, like: str) -> str:
    """git's id of a blob with these bytes, in the hash of ``like`` (SHA-1, or SHA-256 for a 64-digit id)."""
    algo = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return algo(b"blob %d\0" % len(data) + data).hexdigest()


def filter_overrides(root: Path) -> list[str]:
    """``-c`` flags switching off every filter driver the user's config defines (their clean and process commands
    would otherwise run on the working-tree files a diff reads, wherever an attribute names them)."""
    proc = git.run(["config", "--name-only", "-z", "--get-regexp", r"^filter\..+\.(clean|process|required)$"], root,
                   check=False)
    names = {
        key[len("filter."):].rsplit(".", 1)[0]
        for key in proc.stdout.decode("utf-8", "surrogateescape").split("\0")
        if key.startswith("filter.") and key.count(".") >= 2
    }
    flags: list[str] = []
    for name in sorted(n for n in names if "=" not in n):  # a name with "=" cannot be given to -c (the blob check stays)
        flags += ["-c", f"filter.{name}.clean=", "-c", f"filter.{name}.process=", "-c", f"filter.{name}.required=false"]
    return flags


def text_diffs(pairs: Sequence[tuple[bytes | None, bytes | None]]) -> list[str]:
    """For each (before, after) pair (None: no such file), git's diff of the two as text from its ``diff --git``
    line, or "" when they are equal."""
    if not pairs:
        return []
    with tempfile.TemporaryDirectory(prefix="reviewbot-text-") as tmp:
        root = Path(tmp)
        for side, index in (("a", 0), ("b", 1)):
            (root / side).mkdir()
            for n, pair in enumerate(pairs):
                (root / side / str(n)).write_bytes(pair[index] or b"")
        # outside any repository: git must not find one above the scratch directory
        proc = git.run([*_TEXT_DIFF, "a", "b"], root, check=False, env={"GIT_CEILING_DIRECTORIES": str(root.parent)})
    if proc.returncode not in (0, 1):
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"`git diff --no-index --text` failed with exit code {proc.returncode}: "
                       f"{detail[-1] if detail else '(no output)'}")
    out = [""] * len(pairs)
    for section in re.split(r"(?m)^(?=diff --git )", proc.stdout.decode("utf-8", "surrogateescape")):
        found = _SECTION.match(section)
        if found and found.group(1) == found.group(2) and int(found.group(1)) < len(pairs):
            out[int(found.group(1))] = section
    return out


def _hunks(section: str) -> tuple[Hunk, ...]:
    if not section:
        return ()
    files = parse_patch(section, origin="text diff").files
    return files[0].hunks if files else ()


def forced_text(root: Path, paths: Sequence[str], env: Mapping[str, str] | None = None) -> set[str]:
    """The paths git diffs as text whatever their bytes: a ``diff`` attribute set, or naming a driver (whose
    ``binary`` setting may say false). Any other file git reads as text has no NUL byte where git looks."""
    if not paths:
        return set()
    proc = git.run(["check-attr", "-z", "--stdin", "diff"], root, check=False, env=env,
                   input_bytes=b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths))
    fields = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {fields[n] for n in range(0, len(fields) - 2, 3) if fields[n + 2] not in ("unspecified", "unset")}


def settle(patch: Patch, before: Read, after: Read, *, root: Path, env: Mapping[str, str] | None = None,
           on_disk: bool = False) -> Patch:
    """``patch`` with binary decided by the bytes and, where git's hunks are not those of the bytes, text hunks
    computed from them. ``on_disk``: post-images are working-tree files, which git may have converted first."""
    files = list(patch.files)
    live = [i for i, f in enumerate(files) if not (f.status is FileStatus.DELETED or f.is_symlink or f.is_submodule)]
    text_paths = {p for i in live if not files[i].binary for p in (files[i].path, files[i].old_path) if p}
    forced = forced_text(root, sorted(text_paths), env)
    todo: list[tuple[int, bytes | None, bytes]] = []
    for i in live:
        f = files[i]
        if not (f.binary or on_disk or forced & {f.path, f.old_path}):
            continue
        try:
            new = after(f)
            if new is None:
                continue
            exact = not on_disk or bool(f.new_oid and blob_id(new, f.new_oid) == f.new_oid)
            if not f.binary and exact and not forced & {f.path, f.old_path}:
                if looks_binary(new):
                    files[i] = replace(f, binary=True, hunks=())
                continue  # git diffed exactly these bytes, as text by its own rule
            old = before(f)
        except UnsafePath:
            continue  # collect_files reports why the file cannot be read
        if looks_binary(old) or looks_binary(new):
            files[i] = replace(f, binary=True, hunks=())
        elif f.binary or not exact:
            todo.append((i, old, new))
    for (i, _, _), section in zip(todo, text_diffs([(old, new) for _, old, new in todo])):
        files[i] = replace(files[i], binary=False, hunks=_hunks(section))
    return Patch(tuple(files))
