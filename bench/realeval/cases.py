"""The real-change cases: which they are (``cases.json``), how each case repository is built from a repository
snapshot, and where the ground truth lies.

A case is one review of a real change, pinned by commit:

- ``bug``: a known fix (BugsInPy) applied in reverse onto the fixed commit — ``base = fixed`` and the head commit
  writes the buggy version of the fix's source files, as a pull request introducing the bug would show it;
- ``control``: the same fix forward — ``base = buggy``, the head writes the fixed version of those files;
- ``clean``: a real merged pull request (``base`` its parent, ``head`` the squash-merged commit).

The case repositories are shared clones (``git clone --shared``) of snapshots found under the snapshot folder
(``owner+name/repo``, as the project's ``fetch`` tool lays them out, or plain ``owner+name`` bare repositories);
nothing is downloaded. A synthesised head commit has a fixed author, date and message ("update"), so its id is the
same on every machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "cases.json"
DEFAULT_SNAPSHOTS = Path(os.environ.get("REVIEWBOT_SNAPSHOTS", "/work/.mirror"))
_IDENTITY = {
    "GIT_AUTHOR_NAME": "eval",
    "GIT_AUTHOR_EMAIL": "eval@example.invalid",
    "GIT_COMMITTER_NAME": "eval",
    "GIT_COMMITTER_EMAIL": "eval@example.invalid",
    "GIT_AUTHOR_DATE": "2020-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2020-01-01T00:00:00+00:00",
}


@dataclass(frozen=True)
class Case:
    id: str  # neutral: says nothing about the kind
    kind: str  # bug | control | clean
    project: str
    origin: str
    base: str
    split: str  # train | heldout
    post: str = ""  # bug/control: the commit whose version of `files` the head writes
    head: str = ""  # clean: the real commit
    files: tuple[str, ...] = ()
    pair: str = ""  # bug and control of one fix share it


@dataclass
class Built:
    case: Case
    repo: Path
    base: str
    head: str
    truth: dict[str, list[int]] = field(default_factory=dict)  # path -> new-file lines of the change
    added_lines: int = 0


def load_cases(path: Path = CASES_FILE) -> tuple[dict[str, str], list[Case]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    cases = [Case(**{**c, "files": tuple(c.get("files", ()))}) for c in data["cases"]]
    return data["snapshots"], cases


def snapshot(slug: str, root: Path = DEFAULT_SNAPSHOTS) -> Path | None:
    """The bare repository of ``owner/name`` under ``root``, or None when it is not there."""
    name = slug.replace("/", "+")
    for candidate in (root / name / "repo", root / name, root / f"{name}.git"):
        if (candidate / "objects").is_dir() or (candidate / ".git" / "objects").is_dir():
            return candidate
    return None


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.run(
        ["git", "-c", "core.autocrlf=false", "-c", "core.hooksPath=/dev/null", *args],
        cwd=repo, capture_output=True, env={**base, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}, check=False,
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {repo}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def build(case: Case, snap: Path, work: Path) -> Built:
    """The case repository under ``work/<id>`` (reused when it is already there and at the right commits)."""
    repo = work / case.id
    if not (repo / ".git").is_dir():
        repo.parent.mkdir(parents=True, exist_ok=True)
        _git(work, "clone", "-q", "--shared", "--no-checkout", str(snap), str(repo))
        # Snapshots lack files of 4 MiB and more (data files, never Python): check out the Python files and the
        # project's config only. reviewbot reads a range's files from git objects anyway.
        _git(repo, "sparse-checkout", "set", "--no-cone", "*.py", "*.pyi", "/pyproject.toml", "/setup.cfg")
    if case.kind == "clean":
        _git(repo, "checkout", "-q", "--force", "--detach", case.head)
        head = case.head
    else:
        head = _synthesise(repo, case)
        _git(repo, "checkout", "-q", "--force", "--detach", head)
    built = Built(case, repo, case.base, head)
    built.truth, built.added_lines = ground_truth(repo, case.base, head, case.files)
    return built


def _synthesise(repo: Path, case: Case) -> str:
    """The head commit of a bug or control case: ``base`` with ``files`` as they are at ``post``.

    Built with plumbing in a private index (``write-tree --missing-ok``): snapshots lack large data files, which a
    porcelain commit would refuse to write a tree without."""
    index = repo / ".git" / "realeval-index"
    env = {**_IDENTITY, "GIT_INDEX_FILE": str(index)}
    _git(repo, "read-tree", case.base, env=env)
    for path in case.files:
        blob = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{case.post}:{path}"], cwd=repo,
                              capture_output=True, text=True).stdout.strip()
        if blob:
            _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        else:
            _git(repo, "update-index", "--force-remove", "--", path, env=env)
    tree = _git(repo, "write-tree", "--missing-ok", env=env).strip()
    index.unlink()
    return _git(repo, "commit-tree", tree, "-p", case.base, "-m", "update", env=_IDENTITY).strip()


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def ground_truth(repo: Path, base: str, head: str, files: tuple[str, ...] = ()) -> tuple[dict[str, list[int]], int]:
    """(path -> head lines the change adds or rewrites, number of added Python lines).

    For a pure deletion the lines either side of the deletion point stand in (REAL-EVAL.md). For a clean change
    the "truth" is every changed line; it is only used for counting added lines."""
    spec = ["--", *files] if files else ["--", "*.py"]
    text = _git(repo, "diff", "--no-ext-diff", "--no-textconv", "-U0", "--no-renames", base, head, *spec)
    truth: dict[str, list[int]] = {}
    added = 0
    path = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            path = name[2:] if name.startswith("b/") else None
            continue
        m = _HUNK.match(line)
        if m and path is not None and path.endswith(".py"):
            start, length = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
            lines = list(range(start, start + length)) if length else [max(1, start), start + 1]
            truth.setdefault(path, []).extend(lines)
            added += length
    return truth, added
