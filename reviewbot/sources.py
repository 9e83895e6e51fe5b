"""Where a Patch and its file texts come from: the working tree, the index, a commit range, or a patch file.

A Source yields the Patch and, per changed file, the pre-image and post-image bytes. Post-images read from disk
never follow symlinks and never open special files (see textio.read_regular_file).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar, Protocol

from reviewbot import blobs, content, git
from reviewbot.diff import SYMLINK_MODE, ChangedFile, FileStatus, Hunk, Patch, parse_patch
from reviewbot.errors import DiffError, GitError
from reviewbot.textio import MAX_FILE_BYTES, UnsafePath, read_regular_file

_DIFF_FLAGS = ("diff", "--no-ext-diff", "--no-color", "--no-textconv", "-M", "--full-index", "--submodule=short")


class Source(Protocol):
    @property
    def description(self) -> str: ...

    @property
    def root(self) -> Path | None: ...  # repository (or directory) the paths are relative to

    @property
    def rev(self) -> str | None: ...  # commit holding the post-image; None when it is the working tree or index

    def patch(self) -> Patch: ...

    def before(self, f: ChangedFile) -> bytes | None: ...

    def after(self, f: ChangedFile) -> bytes | None: ...


def _pathspecs(paths: tuple[str, ...]) -> list[str]:
    return ["--", *paths] if paths else []


def _show(
    root: Path,
    rev: str,
    path: str,
    env: dict[str, str] | None = None,
    read: Mapping[str, bytes | None] | None = None,
) -> bytes | None:
    """Blob ``rev:path`` (``rev`` "" means the index), or None if it does not exist there. ``read``: blobs read
    already (``_prefetch``)."""
    name = f"{rev}:{path}"
    if read is not None and name in read:
        data = read[name]
    else:
        proc = git.run(["cat-file", "-p", name], root, check=False, env=env)
        data = proc.stdout if proc.returncode == 0 else None
    if data is not None and len(data) > MAX_FILE_BYTES:
        raise UnsafePath(f"too large ({len(data)} bytes)")
    return data


def _prefetch(
    root: Path, patch: Patch, before: str | None, after: str | None, env: dict[str, str] | None = None
) -> dict[str, bytes | None]:
    """The pre-images (at ``before``) and post-images (at ``after``; "" the index) of the patch's Python files and of
    those git calls binary (reviewbot.content looks at their bytes), read by one git process (reviewbot/blobs.py);
    None for a side not read from git."""
    names = []
    for f in patch.files:
        if not (f.is_python or f.binary) or f.is_submodule or f.is_symlink:
            continue
        if before is not None and f.old_path is not None and f.status is not FileStatus.ADDED:
            names.append(f"{before}:{f.old_path}")
        if after is not None and f.status is not FileStatus.DELETED:
            names.append(f"{after}:{f.path}")
    return blobs.read_many(root, names, env, largest=MAX_FILE_BYTES)


def _diff(root: Path, args: list[str], env: dict[str, str] | None = None, flags: Sequence[str] = ()) -> Patch:
    raw = git.run([*flags, *_DIFF_FLAGS, *args], root, env=env).stdout
    return parse_patch(raw.decode("utf-8", "surrogateescape"), origin=f"git {' '.join(args)}")


@dataclass
class WorktreeSource:
    """The working tree and staged changes against HEAD (plus untracked, not ignored files, as added)."""

    root: Path
    paths: tuple[str, ...] = ()
    include_untracked: bool = True
    rev: str | None = None
    description: str = "working tree"
    _base: str = field(default="", init=False)
    _read: dict[str, bytes | None] = field(default_factory=dict, init=False, repr=False)

    def patch(self) -> Patch:
        self._base = "HEAD" if git.has_head(self.root) else git.EMPTY_TREE
        # the user's filter drivers do not run on the files (the tree's .gitattributes may name any of them), and
        # what git saw differently from the bytes on disk is diffed again from them
        diffed = _diff(self.root, [self._base, *_pathspecs(self.paths)], flags=content.filter_overrides(self.root))
        if self._base != git.EMPTY_TREE:
            self._read = _prefetch(self.root, diffed, self._base, None)
        tracked = content.settle(diffed, self.before, self.after, root=self.root, on_disk=True)
        if not self.include_untracked:
            return tracked
        out = git.run(["ls-files", "--others", "--exclude-standard", "-z", *_pathspecs(self.paths)], self.root)
        untracked = [p for p in out.stdout.decode("utf-8", "surrogateescape").split("\0") if p]
        return Patch(tracked.files + tuple(_added_from_disk(self.root, p) for p in untracked))

    def before(self, f: ChangedFile) -> bytes | None:
        if f.status is FileStatus.ADDED or f.old_path is None or self._base == git.EMPTY_TREE:
            return None
        return _show(self.root, self._base or "HEAD", f.old_path, read=self._read)

    def after(self, f: ChangedFile) -> bytes | None:
        return None if f.status is FileStatus.DELETED else read_regular_file(self.root, f.path)


def _added_from_disk(root: Path, rel: str) -> ChangedFile:
    """An untracked file as an all-added ChangedFile (its hunk is synthesised from its lines)."""
    try:
        data = read_regular_file(root, rel) or b""
        mode = "100644"
    except UnsafePath:
        data, mode = b"", SYMLINK_MODE if (root / rel).is_symlink() else "100644"
    if content.looks_binary(data):
        return ChangedFile(rel, None, FileStatus.ADDED, (), True, None, mode)
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    hunk = Hunk(0, 0, 1, len(lines), tuple(("+", ln) for ln in lines))
    return ChangedFile(rel, None, FileStatus.ADDED, (hunk,) if lines else (), False, None, mode)


def hook_index_file(cwd: Path, environ: Mapping[str, str] | None = None) -> str | None:
    """The index a git hook must read: ``GIT_INDEX_FILE`` as git sets it for hooks, made absolute.

    ``git commit -a`` and ``git commit PATH`` stage into a temporary index (``index.lock``,
    ``next-index-*.lock``) and run the pre-commit hook on that; the git wrapper strips inherited ``GIT_*``
    variables, so a staged review passes this one back explicitly.
    """
    value = (os.environ if environ is None else environ).get("GIT_INDEX_FILE")
    if not value:
        return None
    return str(Path(value) if Path(value).is_absolute() else (cwd / value).resolve())


@dataclass
class StagedSource:
    """The index against HEAD: what `git commit` would record."""

    root: Path
    paths: tuple[str, ...] = ()
    rev: str | None = None
    description: str = "staged changes"
    index_file: str | None = None  # a hook's GIT_INDEX_FILE (see hook_index_file); None: the repository's index
    _base: str = field(default="", init=False)
    _read: dict[str, bytes | None] = field(default_factory=dict, init=False, repr=False)

    @property
    def _env(self) -> dict[str, str] | None:
        return {"GIT_INDEX_FILE": self.index_file} if self.index_file else None

    def patch(self) -> Patch:
        self._base = "HEAD" if git.has_head(self.root) else git.EMPTY_TREE
        diffed = _diff(self.root, ["--cached", self._base, *_pathspecs(self.paths)], self._env)
        self._read = _prefetch(self.root, diffed, None if self._base == git.EMPTY_TREE else "HEAD", "", self._env)
        return content.settle(diffed, self.before, self.after, root=self.root, env=self._env)

    def before(self, f: ChangedFile) -> bytes | None:
        if f.status is FileStatus.ADDED or f.old_path is None or self._base == git.EMPTY_TREE:
            return None
        return _show(self.root, "HEAD", f.old_path, read=self._read)

    def after(self, f: ChangedFile) -> bytes | None:
        return None if f.status is FileStatus.DELETED else _show(self.root, "", f.path, self._env, self._read)


@dataclass
class RangeSource:
    """Commits ``base..head``; with ``merge_base`` (like ``git diff base...head``) against their merge base."""

    root: Path
    base: str
    head: str = "HEAD"
    merge_base: bool = True
    paths: tuple[str, ...] = ()
    description: str = ""
    rev: str | None = None
    _base_sha: str = field(default="", init=False)
    _read: dict[str, bytes | None] = field(default_factory=dict, init=False, repr=False)

    def patch(self) -> Patch:
        base_sha, head_sha = git.resolve(self.base, self.root), git.resolve(self.head, self.root)
        self._base_sha = git.merge_base(base_sha, head_sha, self.root) if self.merge_base else base_sha
        self.rev = head_sha
        sep = "..." if self.merge_base else ".."
        self.description = f"{self.base}{sep}{self.head}"
        diffed = _diff(self.root, [self._base_sha, head_sha, *_pathspecs(self.paths)])
        self._read = _prefetch(self.root, diffed, self._base_sha, head_sha)
        return content.settle(diffed, self.before, self.after, root=self.root)

    def before(self, f: ChangedFile) -> bytes | None:
        if f.status is FileStatus.ADDED or f.old_path is None:
            return None
        return _show(self.root, self._base_sha, f.old_path, read=self._read)

    def after(self, f: ChangedFile) -> bytes | None:
        return None if f.status is FileStatus.DELETED else _show(self.root, self.rev or self.head, f.path,
                                                                 read=self._read)


@dataclass
class PatchSource:
    """A unified diff from a file or stdin; post-images are read from the working tree under ``root`` and
    pre-images are rebuilt by reversing the hunks (so the patch must already be applied to the tree)."""

    text: str
    root: Path
    origin: str = "patch"
    paths: tuple[str, ...] = ()
    rev: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        self.description = self.description or self.origin

    # a patch none of whose files is in the tree reviews nothing: it was not applied, or belongs elsewhere
    needs_tree: ClassVar[bool] = True

    def patch(self) -> Patch:
        parsed = parse_patch(self.text, origin=self.origin)
        if self.paths:
            parsed = Patch(tuple(f for f in parsed.files if _matches(f.path, self.paths)))
        if self.needs_tree:
            _require_some_in_tree(parsed, self.root, self.origin)
        return parsed

    def before(self, f: ChangedFile) -> bytes | None:
        if f.status is FileStatus.ADDED:
            return None
        after = self.after(f)
        if after is None:
            return None
        return reverse_apply(after, f.hunks)

    def after(self, f: ChangedFile) -> bytes | None:
        return None if f.status is FileStatus.DELETED else read_regular_file(self.root, f.path)


def _require_some_in_tree(patch: Patch, root: Path, origin: str) -> None:
    """A usage error when no file the patch adds or changes exists under ``root`` (deletions need none)."""
    wanted = [f.path for f in patch.files if f.status is not FileStatus.DELETED]
    if not wanted or any(_in_tree(root, p) for p in wanted):
        return
    where = "apply the patch first, or run from the repository it belongs to"
    if len(wanted) == 1:
        raise DiffError(f"{origin}: the file it changes, {wanted[0]}, does not exist under {root} ({where})")
    raise DiffError(f"{origin}: none of the {len(wanted)} files it changes exists under {root} ({where})")


def _in_tree(root: Path, rel: str) -> bool:
    path = root / rel
    return path.is_symlink() or (path.exists() and not path.is_dir())


def _matches(path: str, limits: tuple[str, ...]) -> bool:
    p = PurePosixPath(path)
    for lim in limits:
        lim = lim.rstrip("/")
        if lim in ("", ".") or path == lim or p.is_relative_to(lim) or fnmatch.fnmatch(path, lim):
            return True
    return False


def reverse_apply(after: bytes, hunks: tuple[Hunk, ...]) -> bytes | None:
    """Rebuild the pre-image from the post-image and the hunks; None when the post-image does not match them."""
    lines = after.decode("utf-8", "surrogateescape").split("\n")
    trailing = lines[-1] == ""
    if trailing:
        lines.pop()
    out: list[str] = []
    pos = 0  # index into lines (0-based)
    for h in hunks:
        start = h.target_start - 1 if h.target_length else h.target_start
        if start < pos or start > len(lines):
            return None
        out.extend(lines[pos:start])
        pos = start
        for kind, text in h.lines:
            if kind in (" ", "+"):
                if pos >= len(lines) or lines[pos] != text:
                    return None
                pos += 1
            if kind in (" ", "-"):
                out.append(text)
    out.extend(lines[pos:])
    result = "\n".join(out) + ("\n" if out else "")
    return result.encode("utf-8", "surrogateescape")


def check_post_image(after: bytes, f: ChangedFile) -> bool:
    """Do the added/context lines of the hunks match the post-image text?"""
    return reverse_apply(after, f.hunks) is not None


def repo_root_or_cwd(cwd: Path) -> Path:
    try:
        return git.toplevel(cwd)
    except GitError:
        return cwd


def read_patch_text(spec: str, stdin: bytes | None = None) -> tuple[str, str]:
    """(text, origin) of ``--patch FILE|-``; a clear DiffError when it cannot be read."""
    if spec == "-":
        data = stdin if stdin is not None else b""
        return data.decode("utf-8", "surrogateescape"), "<stdin>"
    path = Path(spec)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DiffError(f"{spec}: no such file") from exc
    except IsADirectoryError as exc:
        raise DiffError(f"{spec}: is a directory, expected a patch file") from exc
    except OSError as exc:
        raise DiffError(f"{spec}: cannot read ({exc.strerror})") from exc
    if b"\0" in data[:8192]:
        raise DiffError(f"{spec}: binary data, expected a unified diff")
    return data.decode("utf-8", "surrogateescape"), spec


@dataclass
class AllFilesSource:
    """Whole files, reviewed as if every line were added (``--all-files``): tracked files in a repository, or every
    file under ``root`` elsewhere. Symlinks and special files are listed but never read."""

    root: Path
    paths: tuple[str, ...] = ()
    rev: str | None = None
    description: str = "all files"
    in_repo: bool = True

    def patch(self) -> Patch:
        if self.in_repo:
            out = git.run(["ls-files", "-z", "--cached", "--others", "--exclude-standard", *_pathspecs(self.paths)],
                          self.root)
            names = sorted({p for p in out.stdout.decode("utf-8", "surrogateescape").split("\0") if p})
        else:
            names = sorted(
                p.relative_to(self.root).as_posix()
                for p in self.root.rglob("*")
                if (p.is_file() or p.is_symlink()) and ".git" not in p.relative_to(self.root).parts
            )
            if self.paths:
                names = [n for n in names if _matches(n, self.paths)]
        return Patch(tuple(_added_from_disk(self.root, n) for n in names))

    def before(self, f: ChangedFile) -> bytes | None:
        return None

    def after(self, f: ChangedFile) -> bytes | None:
        return read_regular_file(self.root, f.path)
