"""Step 5, *execution check* (optional, off by default): run the project's test command with a fix applied.

This RUNS THE PROJECT'S CODE (and, on a pull request, the PR author's code). It happens only when the trusted
configuration names a ``test-command``; a PR cannot turn it on, because in the Action the configuration is read from
the base branch. The command runs in a scratch copy of the tree (``git archive`` of the revision, or the tracked
and untracked-but-not-ignored files of the working tree, with the reviewed post-images written over it), never in
the user's tree; git state is not touched (no worktree is registered). It is the one child of reviewbot that runs
in a copy of the tree and with a broad environment (``procs.command_env``): variables that look like secrets, the
one holding the LLM key, and ``GIT_*`` are removed from it. The command's output is never put in a comment.

The tree is copied once; for each fix the patched file is written, the command run with a timeout, and the file
restored. The command is first run once without any fix: when that fails, a failing fix says nothing and the check
is reported as inconclusive.
"""

from __future__ import annotations

import io
import shlex
import shutil
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewbot import git, procs
from reviewbot.models import SourceFile
from reviewbot.errors import GitError


@dataclass(frozen=True)
class ExecResult:
    passed: bool | None  # None: could not run, timed out, or inconclusive
    summary: str  # one line for the report ("passed in 2.1 s", "failed (exit 1) in 3.0 s", ...)
    seconds: float = 0.0


def command_env(environ: Mapping[str, str] | None = None, secret_names: Sequence[str] = ()) -> dict[str, str]:
    """The environment for the test command: ours without GIT_* and without anything that looks like a secret."""
    return procs.command_env(environ, secret_names)


def _argv(command: str | Sequence[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def _copy_tracked(repo: Path, dest: Path) -> bool:
    """Copy the working tree's tracked and untracked-but-not-ignored files (``git ls-files``)."""
    try:
        listed = git.run(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], repo, check=False)
    except GitError:
        return False
    if listed.returncode != 0:
        return False
    for raw in listed.stdout.split(b"\0"):
        if not raw:
            continue
        rel = raw.decode("utf-8", "surrogateescape")
        src = repo / rel
        target = dest / rel
        if src.is_symlink() or not src.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    return True


def _extract_rev(repo: Path, rev: str, dest: Path) -> bool:
    try:
        archive = git.run(["archive", "--format=tar", rev], repo, check=False, timeout=300.0)
    except GitError:
        return False
    if archive.returncode != 0:
        return False
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # pragma: no cover - Pythons without extraction filters
            tar.extractall(dest)
    return True


def make_tree(repo_root: Path | None, rev: str | None, files: Sequence[SourceFile], dest: Path) -> str:
    """Fill ``dest`` with a copy of the reviewed tree; returns how ("" when no copy could be made)."""
    how = ""
    if repo_root is not None:
        if rev is not None and _extract_rev(repo_root, rev, dest):
            how = f"git archive {rev}"
        elif (repo_root / ".git").exists() and _copy_tracked(repo_root, dest):
            how = "copy of the working tree"
        elif not (repo_root / ".git").exists():
            shutil.copytree(repo_root, dest, symlinks=True, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git"))
            how = "copy of the directory"
    if not how:
        return ""
    for sf in files:
        target = dest / sf.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sf.text, encoding="utf-8", newline="")
    return how


def run_command(
    command: str | Sequence[str], cwd: Path, timeout: float, secret_names: Sequence[str] = ()
) -> ExecResult:
    """Run the test command in ``cwd`` with a timeout that kills its whole process group."""
    done = procs.run(_argv(command), cwd=cwd, timeout=timeout, env=command_env(None, secret_names), capture=False)
    if done.error:
        return ExecResult(None, f"could not run the test command: {done.error}")
    if done.timed_out:
        return ExecResult(None, f"timed out after {timeout:g} s", done.seconds)
    if done.returncode == 0:
        return ExecResult(True, f"passed in {done.seconds:.1f} s", done.seconds)
    return ExecResult(False, f"failed (exit {done.returncode}) in {done.seconds:.1f} s", done.seconds)


class ExecutionCheck:
    """Runs the test command once on the unpatched tree, then once per fix (file patched, run, restored)."""

    def __init__(
        self,
        command: str | Sequence[str],
        timeout: float,
        repo_root: Path | None,
        rev: str | None,
        files: Sequence[SourceFile],
        secret_names: Sequence[str] = (),
    ) -> None:
        self.command = command
        self.timeout = timeout
        self.secret_names = tuple(secret_names)  # besides the secret-looking ones: e.g. the LLM key's variable
        self._tmp = tempfile.TemporaryDirectory(prefix="reviewbot-tests-")
        self.tree = Path(self._tmp.name) / "tree"
        self.tree.mkdir()
        self.how = make_tree(repo_root, rev, files, self.tree)
        self.baseline: ExecResult | None = None
        if self.how:
            self.baseline = run_command(command, self.tree, timeout, self.secret_names)

    def usable(self) -> str:
        """Why fixes cannot be tested ("" when they can)."""
        if not self.how:
            return "no copy of the tree could be made (no repository)"
        assert self.baseline is not None
        if self.baseline.passed is not True:
            return f"inconclusive: the tests {self.baseline.summary} without any fix"
        return ""

    def run(self, path: str, patched: str) -> ExecResult:
        target = self.tree / path
        original = target.read_bytes()
        try:
            target.write_text(patched, encoding="utf-8", newline="")
            return run_command(self.command, self.tree, self.timeout, self.secret_names)
        finally:
            target.write_bytes(original)

    def close(self) -> None:
        self._tmp.cleanup()
