"""The replay cache of whole reviews: a ``reviewbot review`` whose inputs did not change since a finished review
replays that review's result instead of running it.

The key (``reviewbot.rerun_inputs``) is computed before the heavy modules are imported; a hit loads the stored
Review, checks that every file the cold run read still reads the same, and hands the Review to the normal
publishers (the command renders it, applies ``--fail-on``, prints the warnings the cold run printed). What the
Review says about the run itself is the replay's: ``stats.seconds`` and one ``replay`` stage, every analyzer
served from the cache (0.0 s, all its files cached), the LLM's calls counted as cache hits.

Stored only after a complete review whose result cannot depend on anything the key misses: the cache is on, no
analyzer failed or timed out, no test command ran (it reads the whole environment), and an LLM took part only
as a recorded cassette (a live model is asked again; ``--record-cassette`` and ``--dump-prompts`` write files, so
they always run). Never used with ``--no-cache``, ``--apply``, ``--patch -`` or ``--all-files PATHS``, nor outside a
git repository.

The entries live under the analyzer cache's root (``--cache-dir``, ``REVIEWBOT_CACHE_DIR``, or the user cache
dir: never a directory the reviewed tree names), as checksummed JSON: an unreadable, truncated or tampered entry is
a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewbot import rerun_inputs

if TYPE_CHECKING:
    from reviewbot.config import Settings
    from reviewbot.models import Review

SCHEMA = 1
REPLAY_STAGE = "replay"


@dataclass(frozen=True)
class Hit:
    review: Review
    source: str  # the source's description, for the report
    warnings: tuple[str, ...]  # what the cold run printed on stderr
    exit_code: int


@dataclass(frozen=True)
class Request:
    """One review's key and where its entry lives; ``lookup`` and ``store`` both use it."""

    root: Path  # the cache's root
    key: str
    inputs: tuple[Any, ...]  # what of the key may change while the review runs: checked again before storing
    cwd: Path
    params: Mapping[str, Any]
    index_file: str | None
    written: tuple[Path, ...]  # what the review writes (the cache, the report): not part of the tree's state

    @property
    def path(self) -> Path:
        return self.root / "reviews" / f"v{SCHEMA}" / self.key[:2] / f"{self.key}.json"


def cache_root(cache_dir: str | None, environ: Mapping[str, str]) -> Path:
    """``--cache-dir``, else ``REVIEWBOT_CACHE_DIR``, else the user config's ``cache-dir``, else the user cache dir
    (as reviewbot.wiring's default): never a config file of the reviewed tree."""
    if cache_dir:
        return Path(cache_dir)
    if environ.get("REVIEWBOT_CACHE_DIR"):
        return Path(environ["REVIEWBOT_CACHE_DIR"])
    configured = _user_cache_dir()
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("reviewbot"))


def _user_cache_dir() -> str | None:
    """``cache-dir`` of the user config, when it sets one (a config that does not read is the cold run's error)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        value = tomllib.loads(_user_config().read_text(encoding="utf-8")).get("cache-dir")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return value if isinstance(value, str) and value else None


def request(
    cwd: Path,
    params: Mapping[str, Any],
    *,
    cache_dir: str | None,
    environ: Mapping[str, str] | None = None,
    index_file: str | None = None,
    output: str | None = None,
) -> Request | None:
    """The key of the review ``params`` (the command's options that decide its result) asks for in ``cwd``; None
    when this review is not replayed (see the module's docstring). ``output``: the report's file, which the review
    writes and so is not one of its inputs."""
    environ = os.environ if environ is None else environ
    if (params.get("all_files") and params.get("paths")) or params.get("patch_file") == "-":
        return None
    root = cache_root(cache_dir, environ)
    written = (root, *([cwd / output] if output else []))
    inputs = _tree(cwd, params, index_file, written)
    if inputs is None:
        return None
    fixed = (rerun_inputs.code_state(), str(cwd.resolve()), sorted(params.items()), rerun_inputs.environment(environ))
    return Request(root, rerun_inputs.digest("review", *fixed, *inputs), inputs, cwd, dict(params), index_file,
                   written)


def _tree(cwd: Path, params: Mapping[str, Any], index_file: str | None,
          written: tuple[Path, ...]) -> tuple[Any, ...] | None:
    """The part of the key on disk: the repository's state, the config files, the files named on the command line;
    None outside a repository (or when git cannot tell its state)."""
    state: list[Any] | None
    if params.get("base"):
        state = rerun_inputs.commits(cwd, [params["base"], params.get("head") or "HEAD"])
    else:
        state = rerun_inputs.worktree_state(cwd, index_file, skip=written)
    if state is None:
        return None
    patch = params.get("patch_file")
    files = [[str(Path(p).resolve()), rerun_inputs.file_state(Path(p))] for p in (patch, params.get("config_file"),
                                                                                 params.get("baseline_file")) if p]
    return rerun_inputs.config_files(cwd, _user_config()), files, state


def _user_config() -> Path:
    """reviewbot.config.user_config_path, without importing the settings' models."""
    from platformdirs import user_config_path

    return user_config_path("reviewbot") / "config.toml"


def lookup(req: Request) -> Hit | None:
    """The stored review of ``req``, replayed; None on a miss (no entry, a corrupt one, or a file the review read
    reads differently now)."""
    started = time.monotonic()
    try:
        raw = req.path.read_bytes()
    except OSError:
        return None
    try:
        entry = _decode(raw, req.key)
        if not rerun_inputs.unchanged(entry["read"]):
            return None
        from reviewbot.cache import build
        from reviewbot.models import Review

        review = build(Review, entry["review"])
        warnings = tuple(_str(w) for w in entry["warnings"])
        source, code = entry["source"], entry["exit_code"]
        if not isinstance(source, str) or not isinstance(code, int) or isinstance(code, bool):
            return None
    except (ValueError, KeyError, TypeError, RecursionError):  # CorruptEntry is a ValueError
        return None
    return Hit(replayed(review, time.monotonic() - started), source, warnings, code)


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


def replayed(review: Review, seconds: float) -> Review:
    """``review`` as this run produced it: in ``seconds``, one ``replay`` stage, every analyzer answered from the
    cache, the LLM's calls answered from the cache."""
    from reviewbot.models import Stats, StageTime, Status

    files = len(review.summary.files_reviewed)
    statuses = tuple(replace(s, seconds=0.0, cached=files) if s.status is Status.OK else s
                     for s in review.summary.analyzers)
    stats = review.stats
    stats = Stats(seconds=round(seconds, 3), llm_calls=0, llm_cache_hits=stats.llm_calls + stats.llm_cache_hits,
                  prompt_tokens=stats.prompt_tokens, completion_tokens=stats.completion_tokens, notes=stats.notes,
                  stages=(StageTime(REPLAY_STAGE, round(seconds, 3)),))
    return replace(review, summary=replace(review.summary, analyzers=statuses), stats=stats)


def storable(settings: Settings, review: Review) -> bool:
    """May this finished review be replayed later (see the module's docstring)?"""
    from reviewbot.models import Status

    s = settings.file
    llm = s.llm
    if not s.cache or s.test_command:
        return False
    if llm.enabled and (not llm.cassette or llm.record or llm.dump_prompts):
        return False
    if any(st.status is Status.ERROR for st in review.summary.analyzers):
        return False
    notes = [*review.summary.notes, *(n for st in review.summary.analyzers for n in st.notes)]
    return not any("timed out" in n or "deadline" in n for n in notes)


def store(req: Request, review: Review, *, source: str, warnings: Sequence[str], exit_code: int,
          read: list[list[str]]) -> bool:
    """Store ``review`` under ``req`` when the tree is still what it was when the review started (a file edited
    during the run would make the result belong to neither state). Write errors only cost the replay."""
    if _tree(req.cwd, req.params, req.index_file, req.written) != req.inputs:
        return False
    from reviewbot.cache import plain, write_atomic

    body = {"review": plain(review), "source": source, "warnings": list(warnings), "exit_code": exit_code,
            "read": read}
    write_atomic(req.path, _encode(body, req.key))
    return True


def _encode(body: dict[str, Any], key: str) -> bytes:
    text = json.dumps(body, ensure_ascii=False)  # key order kept: the verdicts' steps are ordered
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    entry = {"schema": SCHEMA, "key": key, "sha256": digest, "body": body}
    return json.dumps(entry, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _decode(raw: bytes, key: str) -> dict[str, Any]:
    entry = json.loads(raw.decode("utf-8", "surrogatepass"))
    if not isinstance(entry, dict) or set(entry) != {"schema", "key", "sha256", "body"}:
        raise ValueError("not a replay entry")
    if entry["schema"] != SCHEMA or entry["key"] != key or not isinstance(entry["body"], dict):
        raise ValueError("another schema or key")
    text = json.dumps(entry["body"], ensure_ascii=False)
    if hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() != entry["sha256"]:
        raise ValueError("checksum mismatch")
    body: dict[str, Any] = entry["body"]
    return body
