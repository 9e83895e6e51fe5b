"""Which config a local review may trust (``reviewbot review``, ``reviewbot baseline``, the pre-commit hooks).

A checked-out pull request brings its own ``[tool.reviewbot]``. Its sensitive settings (reviewbot/sensitive.py: where
the LLM key goes, the test command, files written or read) are used only when the config in the tree is the one of
the reviewed change's *base version*: the base commit of a range (the merge base with ``--merge-base``), HEAD for
the working tree, the index and ``--all-files``. When the tree's config differs there, each sensitive value that
differs is taken from the base version instead (or, for ``--patch``, which has no base version, from the defaults),
with a warning on stderr and a note in the summary. Everything else in the tree's config applies as it is.

Trusted as they are: ``--trust-config`` / ``REVIEWBOT_TRUST_CONFIG=1``, a ``--config`` file outside the repository,
the user config (``config.toml`` in platformdirs' user config dir), ``REVIEWBOT_*`` variables and flags.
Precedence: flags > ``REVIEWBOT_*`` > repository config > user config > defaults.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reviewbot import config, git, sensitive
from reviewbot.config import Layer, Settings
from reviewbot.diff import FileStatus, parse_patch
from reviewbot.errors import ConfigError, DiffError
from reviewbot.sources import (
    AllFilesSource,
    PatchSource,
    RangeSource,
    Source,
    StagedSource,
    WorktreeSource,
    reverse_apply,
)
from reviewbot.textio import UnsafePath, read_regular_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TRUST_ENV = "REVIEWBOT_TRUST_CONFIG"
CANDIDATES = (".reviewbot.toml", "pyproject.toml")

Read = Callable[[str], "bytes | None"]  # repository-relative POSIX path -> bytes in the base version, None: absent


class Unreadable(Exception):
    """The base version's config cannot be read (bad TOML, not UTF-8, a file the patch cannot be reversed on)."""


@dataclass(frozen=True)
class BaseVersion:
    label: str  # "HEAD", "the base commit abc123def456", ...
    read: Read
    usable: bool = True  # False: only compared with (a patch's pre-image); changed values fall back to the defaults


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    warnings: tuple[str, ...] = ()  # one line each, for stderr
    notes: tuple[str, ...] = ()  # for the review summary


def trust_requested(flag: bool, environ: Mapping[str, str]) -> bool:
    return flag or environ.get(TRUST_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _at(root: Path, rev: str) -> Read:
    def read(path: str) -> bytes | None:
        proc = git.run(["cat-file", "-p", f"{rev}:{path}"], root, check=False)
        return proc.stdout if proc.returncode == 0 else None

    return read


def _absent(path: str) -> bytes | None:
    return None


def _pre_image(source: PatchSource) -> Read:
    """The tree before the patch: files the patch touches rebuilt by reversing its hunks, the others as they are.
    The whole patch counts, whatever PATHS limit the review to."""
    try:
        files = parse_patch(source.text, origin=source.origin).files
    except DiffError:
        files = ()
    before = {f.old_path or f.path: f for f in files if f.status in (FileStatus.MODIFIED, FileStatus.RENAMED,
                                                                     FileStatus.DELETED)}
    created = {f.path for f in files if f.status is not FileStatus.DELETED}

    def read(path: str) -> bytes | None:
        f = before.get(path)
        try:
            if f is None:
                return None if path in created else read_regular_file(source.root, path)
            after = b"" if f.status is FileStatus.DELETED else read_regular_file(source.root, f.path)
        except UnsafePath as exc:
            raise Unreadable(f"{path}: {exc}") from None
        old = None if after is None or f.binary else reverse_apply(after, f.hunks)
        if old is None:
            raise Unreadable(f"{path}: the patch does not reverse on the working tree")
        return old

    return read


def base_version(source: Source) -> BaseVersion | None:
    """What the reviewed change started from; None: nothing to compare with, the tree is reviewed as it is."""
    root = source.root
    if isinstance(source, AllFilesSource) and not source.in_repo:
        return None
    if root is None:
        return BaseVersion("(no base version)", _absent, usable=False)
    if isinstance(source, RangeSource):
        base, head = git.resolve(source.base, root), git.resolve(source.head, root)
        sha = git.merge_base(base, head, root) if source.merge_base else base
        return BaseVersion(f"the base commit {sha[:12]}", _at(root, sha))
    if isinstance(source, (WorktreeSource, StagedSource, AllFilesSource)):
        if not git.has_head(root):
            return BaseVersion("the empty history (no commit yet)", _absent)
        return BaseVersion("HEAD", _at(root, "HEAD"))
    if isinstance(source, PatchSource):
        return BaseVersion("the patch's pre-image", _pre_image(source), usable=False)
    return BaseVersion("(no base version)", _absent, usable=False)


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _dirs(start: Path, root: Path) -> list[str]:
    rel = _relative(start, root)
    if rel is None or rel == ".":
        return [""]
    p = PurePosixPath(rel)
    return [p.as_posix(), *(q.as_posix() for q in p.parents if q.as_posix() != ".")] + [""]


def _parse(read: Read, path: str, label: str) -> Mapping[str, Any] | None:
    data = read(path)
    if data is None:
        return None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unreadable(f"{path} at {label}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise Unreadable(f"{path} at {label}: invalid TOML ({exc})") from None


def find_at(base: BaseVersion, dirs: list[str], explicit: str | None = None) -> Layer | None:
    """The config the base version would use (the same search as in the tree, or the ``--config`` file)."""
    names = [explicit] if explicit is not None else [f"{d}/{n}" if d else n for d in dirs for n in CANDIDATES]
    for path in names:
        parsed = _parse(base.read, path, base.label)
        if parsed is None:
            continue
        table, prefix = config.table_of(Path(path), parsed)
        if table is None:
            continue
        if not isinstance(table, Mapping):
            raise Unreadable(f"{path} at {base.label}: {prefix or 'config'} is not a table")
        return Layer(dict(table), f"{path} at {base.label}", prefix, Path(path))
    return None


def _sensitive_only(layer: Layer) -> Layer:
    """The base layer reduced to the sensitive keys: its other keys are not used, so they cannot fail either."""
    table = config.merge_tables({}, layer.table)
    picked: dict[str, Any] = {}
    for name in sensitive.NAMES:
        head, _, leaf = name.rpartition(".")
        src = table.get(head) if head else table
        if isinstance(src, Mapping) and leaf in src:
            (picked.setdefault(head, {}) if head else picked)[leaf] = src[leaf]
    return Layer(picked, layer.origin, layer.prefix, layer.path)


def load(
    source: Source,
    *,
    start: Path,
    config_path: Path | None = None,
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    trust: bool = False,
) -> Loaded:
    """The settings of a local review, with the sensitive values screened unless the config is trusted."""
    environ = os.environ if environ is None else environ
    root = source.root or start
    user = config.user_layer()
    path = config_path or config.find_config(start, root)
    repo = config.file_layer(path, explicit=config_path is not None) if path is not None else None
    tree_layers = [layer for layer in (user, repo) if layer is not None]
    got = config.resolve(tree_layers, cli=cli, environ=environ)
    settings = Settings(got.file, got.analyzer_options, path)
    rel = _relative(path, root) if path is not None else None
    if repo is None or rel is None or trust_requested(trust, environ):
        return Loaded(settings)  # nothing from the repository, a --config file outside it, or trusted by the user
    base = base_version(source)
    if base is None:
        return Loaded(settings)
    user_only = [user] if user is not None else []
    problem = ""
    try:
        at_base = find_at(base, _dirs(start, root), rel if config_path is not None else None)
        if at_base is not None:
            at_base = _sensitive_only(at_base)
            config.validate(at_base.table, at_base.origin, at_base.prefix)
        reference: Settings | None = config.resolve([*user_only, *([at_base] if at_base else [])], cli=cli,
                                                    environ=environ)
    except (Unreadable, ConfigError) as exc:
        problem, reference = str(exc), None
    fallback = reference if reference is not None and base.usable else config.resolve(user_only, cli=cli,
                                                                                       environ=environ)
    screened = sensitive.screen(settings, reference, fallback)
    if not screened.replaced:
        if not problem:
            return Loaded(settings)
        return Loaded(settings, (f"{problem}; {rel} sets no sensitive setting, so nothing falls back to the defaults",))
    keys = ", ".join(screened.replaced)
    why = f"{problem}, so" if problem else f"it differs from {base.label} (the reviewed change edits it);"
    instead = "the defaults" if problem or not base.usable else f"the values at {base.label}"
    warning = (f"not using {keys} from {rel}: {why} {instead} apply (--trust-config or {TRUST_ENV}=1 uses "
               "them)")
    note = (f"config: {keys} from {rel} not used: the reviewed change sets them, and they could send a secret, run "
            f"code or write files; {instead} applied")
    return Loaded(Settings(screened.settings.file, settings.analyzer_options, path), (warning,), (note,))
