"""Trusted configuration: on a pull request, reviewbot's settings come from the PR's *base* commit, never its head.

A PR must not be able to point the LLM base URL at its own server and take the key, name another secret variable,
change the test command or load an analyzer plugin (reviewbot/sensitive.py lists these keys; the CLI screens the
same ones, and the note below names those a PR changes). So ``.reviewbot.toml`` / ``pyproject.toml`` (or the file named by
the ``config`` input) is read with ``git cat-file`` at the base commit, or through the contents API at that commit when
the clone lacks it. ``REVIEWBOT_*`` variables and the action's inputs (set by the workflow file, which GitHub takes from
the base branch for ``pull_request`` runs of fork PRs, and which a same-repo PR author could edit anyway) override it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reviewbot import config, git, sensitive
from reviewbot.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CANDIDATES = (".reviewbot.toml", "pyproject.toml")

Fetch = Callable[[str, str], "bytes | None"]  # (path, commit) -> file bytes, None when absent


@dataclass(frozen=True)
class TrustedConfig:
    settings: config.Settings
    origin: str  # "pyproject.toml@abc123def456" or "defaults"
    notes: tuple[str, ...] = ()


def blob(root: Path, rev: str, path: str) -> bytes | None:
    """File ``path`` at commit ``rev`` of the clone, or None (no such file, or the commit is not fetched)."""
    proc = git.run(["cat-file", "-p", f"{rev}:{path}"], root, check=False)
    return proc.stdout if proc.returncode == 0 else None


def has_commit(root: Path, rev: str) -> bool:
    return bool(rev) and git.run(["cat-file", "-e", f"{rev}^{{commit}}"], root, check=False).returncode == 0


def _table_at(root: Path, rev: str, name: str) -> Any:
    data = blob(root, rev, name)
    if data is None:
        return None
    try:
        return config.table_of(Path(name), tomllib.loads(data.decode("utf-8")))[0]
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "unreadable"


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        key = key.replace("_", "-") if isinstance(key, str) else key
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _clean(path: str) -> str:
    p = PurePosixPath(path.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts:
        raise ConfigError(f"config path {path!r} must be relative to the repository root")
    return p.as_posix()


def load(
    root: Path,
    base_sha: str,
    *,
    head_sha: str = "",
    config_path: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    fetch: Fetch | None = None,
) -> TrustedConfig:
    """Settings from the base commit's config file, then ``REVIEWBOT_*`` variables, then ``overrides`` (inputs)."""
    environ = environ if environ is not None else {}
    local = has_commit(root, base_sha)
    notes: list[str] = []

    def read(path: str, rev: str, use_git: bool) -> bytes | None:
        if use_git:
            return blob(root, rev, path)
        return fetch(path, rev) if fetch is not None and rev else None

    names = (_clean(config_path),) if config_path else CANDIDATES
    table: Mapping[str, Any] = {}
    prefix, origin, found = "", "defaults", None
    for name in names:
        data = read(name, base_sha, local)
        if data is None:
            continue
        where = f"{name}@{base_sha[:12]}"
        try:
            parsed = tomllib.loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise ConfigError(f"{where}: config is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where}: invalid TOML: {exc}") from None
        got, prefix = config.table_of(Path(name), parsed)
        if got is None:
            if config_path:
                raise ConfigError(f"{where}: no [tool.reviewbot] table")
            continue
        table, origin, found = got, where, name
        break
    if found is None and config_path:
        notes.append(f"config {config_path} is not in the base commit {base_sha[:12]}: using the defaults")
    if not local and fetch is None:
        notes.append(f"base commit {base_sha[:12] or '(unknown)'} is not in the clone: config defaults used")
    if head_sha and local and has_commit(root, head_sha):
        for name in (found,) if found else names:
            at_head, at_base = _table_at(root, head_sha, name), _table_at(root, base_sha, name)
            if at_head != at_base:
                note = (f"this pull request changes the reviewbot settings in {name}; they are read from the "
                        "base branch, so the change takes effect once merged")
                risky = sensitive.changed_in(at_head, at_base)
                if risky:
                    note += (f"; it changes {', '.join(risky)}, which can send a secret, run code or write files: "
                             "check them before merging")
                notes.append(note)
                break
    merged = _merge(_merge(table, config.env_overrides(environ)), {k: v for k, v in (overrides or {}).items()
                                                                    if v is not None})
    settings = config.validate(merged, origin, prefix)
    return TrustedConfig(settings, origin, tuple(notes))
