"""reviewbot's static path (no LLM) on real release diffs of well-kept pure-Python packages.

Each case is two consecutive releases of one project (bench/static_real/pairs.json), from their PyPI source
distributions: the old release is committed as the base, the new one as the head of a scratch git repository (the
top-level ``NAME-X/`` folder stripped, so both share one layout), and ``reviewbot review --base BASE --head HEAD
--format json`` runs on it with the LLM off (``REVIEWBOT_LLM_PROVIDER=none``), default settings otherwise.

Targets (issue: measure the static path):
- at most 10 % of the changes get any posted comment;
- at most 1 posted comment per 1,000 added Python lines;
- no posted comment at warning or error level about names or redefinitions on a fixture / test-data file (a file
  classified ``data``, or one that bench/static_real/labels.json marks as a fixture by hand).

Usage:
    python bench/static_real.py fetch [--cache DIR]        # pip download the sdists (the only step that needs the network)
    python bench/static_real.py run [--cache DIR] [--only NAME] [--json OUT] [--show]
    python bench/static_real.py score --json OUT [--show]   # the table of a saved run with the current labels
(``--show`` prints every posted comment with its label key and the flagged line, for hand labelling.)
The cache defaults to $XDG_CACHE_HOME/reviewbot-bench/static_real; ``run`` skips with a message when it has no sdists.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import InvalidSdistFilename, canonicalize_name, canonicalize_version, parse_sdist_filename

import static_scoring as scoring
from static_scoring import (  # noqa: F401  (re-exported: the names this script has always offered)
    HEADER, KINDS, NAME_RULES, VERDICTS, CaseMetrics, Labels, line_hash, parse_numstat, row, show, summarize, totals)

HERE = Path(__file__).resolve().parent
DATA = HERE / "static_real"
PAIRS_FILE = DATA / "pairs.json"
LABELS_FILE = DATA / "labels.json"
def default_cache() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "reviewbot-bench" / "static_real"


@dataclass(frozen=True)
class Pair:
    """Two consecutive releases of one project."""

    name: str
    old: str
    new: str

    @property
    def id(self) -> str:
        return f"{canonicalize_name(self.name)} {self.old}..{self.new}"

    @property
    def slug(self) -> str:
        return f"{canonicalize_name(self.name)}-{self.old}-{self.new}"


def load_pairs(path: Path = PAIRS_FILE) -> list[Pair]:
    return [Pair(p["name"], p["old"], p["new"]) for p in json.loads(path.read_text())["pairs"]]


def sdist_for(folder: Path, name: str, version: str) -> Path | None:
    """The sdist of ``name`` ``version`` in ``folder`` (file names are matched after normalisation), or None."""
    want = (canonicalize_name(name), canonicalize_version(version))
    if not folder.is_dir():
        return None
    for f in sorted(folder.iterdir()):
        try:
            got_name, got_version = parse_sdist_filename(f.name)
        except InvalidSdistFilename:
            continue
        if (got_name, canonicalize_version(str(got_version))) == want:
            return f
    return None


def unpack(archive: Path, dest: Path) -> Path:
    """Extract ``archive`` (a .tar.gz or .zip sdist) to ``dest`` without its top-level ``NAME-X/`` folder. Members that
    would leave the folder, devices and links out of it are refused (tarfile's ``data`` filter)."""
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                z.extractall(tmp)  # zipfile drops absolute paths and '..'
        else:
            with tarfile.open(archive) as t:
                t.extractall(tmp, filter="data")
        entries = list(Path(tmp).iterdir())
        top = entries[0] if len(entries) == 1 and entries[0].is_dir() else Path(tmp)
        shutil.copytree(top, dest, symlinks=True)
    return dest


def _git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_AUTHOR_NAME="bench",
               GIT_AUTHOR_EMAIL="bench@example.com", GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_AUTHOR_DATE="2000-01-01T00:00:00Z", GIT_COMMITTER_DATE="2000-01-01T00:00:00Z")
    proc = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {repo} failed: {proc.stderr.strip()}")
    return proc.stdout


def _commit_tree(repo: Path, tree: Path, message: str) -> str:
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    for child in tree.iterdir():
        target = repo / child.name
        shutil.copytree(child, target, symlinks=True) if child.is_dir() and not child.is_symlink() else shutil.copy2(
            child, target, follow_symlinks=False)
    _git(repo, "add", "-A", "--force")  # an sdist's own .gitignore must not hide its files
    _git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", message)
    return _git(repo, "rev-parse", "HEAD").strip()


def build_repo(old_tree: Path, new_tree: Path, repo: Path, pair: Pair) -> tuple[str, str]:
    """A git repository at ``repo`` with ``old_tree`` committed as the base and ``new_tree`` as the head (tagged
    ``base`` and ``head``); returns their commits."""
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "core.autocrlf", "false")
    base = _commit_tree(repo, old_tree, f"{pair.name} {pair.old}")
    head = _commit_tree(repo, new_tree, f"{pair.name} {pair.new}")
    _git(repo, "tag", "base", base)
    _git(repo, "tag", "head", head)
    return base, head


def prepare(pair: Pair, sdists: Path, repos: Path) -> Path | None:
    """The case's repository (built once from the sdists), or None when an sdist is missing."""
    repo = repos / pair.slug
    if (repo / ".git").is_dir():
        return repo
    old, new = sdist_for(sdists, pair.name, pair.old), sdist_for(sdists, pair.name, pair.new)
    if old is None or new is None:
        return None
    repos.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=repos) as tmp:
        old_tree, new_tree = unpack(old, Path(tmp) / "old"), unpack(new, Path(tmp) / "new")
        build_repo(old_tree, new_tree, Path(tmp) / "repo", pair)
        (Path(tmp) / "repo").rename(repo)
    return repo


def comment_key(pair: Pair, comment: Mapping[str, Any]) -> str:
    """``project old..new path tool:rule linehash``: the label key of one posted comment."""
    return scoring.comment_key(pair.id, comment)


def load_labels(path: Path = LABELS_FILE) -> Labels:
    return scoring.load_labels(path)


def case_metrics(pair: Pair, report: Mapping[str, Any], added: Mapping[str, int], labels: Labels) -> CaseMetrics:
    """The numbers of one case from its JSON report and its added Python lines per file."""
    return scoring.case_metrics(pair.id, report, added, labels)


def review(repo: Path, reviewbot: Sequence[str]) -> dict[str, Any]:
    """``reviewbot review`` of the case, LLM off, default settings, no analyzer cache (a cached result would hide a
    change of an adapter)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEWBOT_", "GIT_"))}
    env["REVIEWBOT_LLM_PROVIDER"] = "none"
    proc = subprocess.run([*reviewbot, "review", "--base", "base", "--head", "head", "--format", "json", "-q",
                           "--no-cache"], cwd=repo, env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"reviewbot failed in {repo} ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout)


def fetch(pairs: Iterable[Pair], sdists: Path) -> int:
    sdists.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name, version in dict.fromkeys((p.name, v) for p in pairs for v in (p.old, p.new)):
        if sdist_for(sdists, name, version) is not None:
            continue
        print(f"fetch {name}=={version}", flush=True)
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                               "--quiet", f"{name}=={version}", "-d", str(sdists)], capture_output=True, text=True)
        if proc.returncode != 0 or sdist_for(sdists, name, version) is None:
            failed += 1
            print(f"  failed: {proc.stderr.strip()[-500:]}", file=sys.stderr)
    return 1 if failed else 0


def run(pairs: Sequence[Pair], cache: Path, as_json: Path | None, show_comments: bool) -> int:
    sdists, repos = cache / "sdists", cache / "repos"
    missing = [p.id for p in pairs if not (repos / p.slug / ".git").is_dir()
               and (sdist_for(sdists, p.name, p.old) is None or sdist_for(sdists, p.name, p.new) is None)]
    if missing:
        print(f"static_real: skipped, the sdists of {len(missing)} case(s) are not in {sdists} ({', '.join(missing)}); "
              f"run `python bench/static_real.py fetch` first (it needs the package registry)")
        return 0
    labels = load_labels()
    reviewbot = [str(Path(sys.executable).with_name("reviewbot"))]
    results, cases = [], {}
    print(HEADER)
    for pair in pairs:
        repo = prepare(pair, sdists, repos)
        assert repo is not None
        started = time.monotonic()
        report = review(repo, reviewbot)
        added = parse_numstat(_git(repo, "diff", "--numstat", "--no-renames", "base", "head"))
        m = case_metrics(pair, report, added, labels)
        results.append(m)
        cases[pair.id] = {"added": added, "seconds": round(time.monotonic() - started, 1), "report": report}
        print(row(m, pair.id), flush=True)
        if show_comments:
            show(pair.id, report)
    summarize(results)
    if as_json is not None:
        as_json.write_text(json.dumps({"totals": totals(results), "cases": cases}, indent=1, default=list) + "\n")
    return 0


def score(pairs: Sequence[Pair], saved: Path, show_comments: bool) -> int:
    """The table of a saved ``run --json`` file with the current labels (re-labelling needs no new run)."""
    cases = json.loads(saved.read_text())["cases"]
    labels = load_labels()
    results = []
    print(HEADER)
    for pair in pairs:
        if pair.id not in cases:
            continue
        case = cases[pair.id]
        m = case_metrics(pair, case["report"], case["added"], labels)
        results.append(m)
        print(row(m, pair.id))
        if show_comments:
            show(pair.id, case["report"])
    summarize(results)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("fetch", "run", "score"))
    ap.add_argument("--cache", type=Path, default=default_cache(), help="sdists and case repositories")
    ap.add_argument("--only", action="append", default=[], help="only the pairs of this project (repeatable)")
    ap.add_argument("--json", type=Path, default=None,
                    help="run: write the totals, the added lines and the full reports here; score: read them")
    ap.add_argument("--show", action="store_true", help="print every posted comment with its label key")
    args = ap.parse_args(argv)
    pairs = [p for p in load_pairs() if not args.only or canonicalize_name(p.name) in map(canonicalize_name, args.only)]
    if args.command == "fetch":
        return fetch(pairs, args.cache / "sdists")
    if args.command == "score":
        if args.json is None:
            ap.error("score needs --json FILE (written by run --json)")
        return score(pairs, args.json, args.show)
    return run(pairs, args.cache, args.json, args.show)


if __name__ == "__main__":
    sys.exit(main())
