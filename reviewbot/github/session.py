"""One action run's connection to GitHub: the client, the repository and the pull request, made on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from reviewbot import git
from reviewbot.diff import Patch
from reviewbot.errors import GitError, ReviewbotError
from reviewbot.models import Review
from reviewbot.sources import RangeSource, Source
from reviewbot.textio import UnsafePath, read_regular_file

from . import apidiff, client
from .event import PullRequestRun
from .publish import PublishOptions, PublishOutcome, Publisher
from .trust import blob, has_commit

# Tests replace these to run the backoff without waiting.
SLEEP: Callable[[float], None] | None = None
PACING: client.Pacing | None = None


class GitHubSession:
    def __init__(self, run: PullRequestRun, *, write_interval: float = 1.0,
                 log: Callable[[str], None] = lambda _m: None) -> None:
        self.run = run
        self.log = log
        pacing = PACING or client.Pacing()
        self.pacing = replace(pacing, write_interval=write_interval)
        self._api: client.Api | None = None
        self._repo: Any = None
        self._pull: Any = None

    @property
    def api(self) -> client.Api:
        if self._api is None:
            gh = client.connect(self.run.api_url, self.run.token)
            kwargs = {"sleep": SLEEP} if SLEEP is not None else {}
            self._api = client.Api(gh, self.pacing, log=self.log, **kwargs)  # type: ignore[arg-type]
        return self._api

    @property
    def repo(self) -> Any:
        if self._repo is None:
            self._repo = self.api.read(lambda: self.api.gh.get_repo(self.run.repository), f"GET {self.run.repository}")
        return self._repo

    @property
    def pull(self) -> Any:
        if self._pull is None:
            self._pull = self.api.read(lambda: self.repo.get_pull(self.run.number), f"GET PR #{self.run.number}")
        return self._pull

    def complete_shas(self) -> PullRequestRun:
        """The run with base/head commits from the API when the event and flags did not give them."""
        pull = self.pull
        self.run = replace(
            self.run,
            base_sha=self.run.base_sha or str(pull.base.sha),
            head_sha=self.run.head_sha or str(pull.head.sha),
            head_repository=self.run.head_repository or str(pull.head.repo.full_name if pull.head.repo else ""),
        )
        return self.run

    def fetch_file(self, path: str, ref: str) -> bytes | None:
        """A file at a commit through the contents API (the trusted config when the clone lacks the base commit)."""
        try:
            got = self.api.read(lambda: self.repo.get_contents(path, ref=ref), f"GET {path}@{ref[:12]}")
        except client.NotFound:
            return None
        if isinstance(got, list):  # a directory
            return None
        return bytes(got.decoded_content)

    def source(self, root: Path) -> tuple[Source, list[str]]:
        """The diff with git when the clone has both commits and their merge base, else from the API's file list."""
        base, head = self.run.base_sha, self.run.head_sha
        if has_commit(root, base) and has_commit(root, head):
            try:
                git.merge_base(base, head, root)
                return cast(Source, RangeSource(root, base, head, merge_base=True)), []
            except GitError:
                pass
        if not self.run.token:
            raise ReviewbotError(
                f"commits {base[:12]} and {head[:12]} (or their merge base) are not in the clone at {root}, and "
                "there is no GITHUB_TOKEN to read the diff from the API: check out with fetch-depth: 0"
            )
        listed = self.api.read(lambda: list(self.pull.get_files()), f"listing the files of PR #{self.run.number}")
        files, judged = apidiff.complete(listed, self._reader(root, head, tree=True), self._reader(root, base))
        text, notes = apidiff.unified_diff(files)
        notes += judged
        notes.insert(0, "the clone lacks the history for a local diff: the diff comes from the API "
                        "(check out with fetch-depth: 0 for a local one)")
        source = apidiff.ApiPatchSource(text, root, origin=f"PR #{self.run.number} (API diff)", head=head)
        return cast(Source, source), notes

    def _reader(self, root: Path, rev: str, *, tree: bool = False) -> apidiff.ReadBytes:
        """A path's bytes at ``rev``: from the clone when it has the commit, else from the checked-out tree
        (``tree``, as ApiPatchSource reads post-images) or through the contents API; None when it cannot be read."""
        in_clone = has_commit(root, rev)

        def read(path: str) -> bytes | None:
            try:
                if in_clone:
                    return blob(root, rev, path)
                if tree:
                    return read_regular_file(root, path)
                return self.fetch_file(path, rev)
            except (ReviewbotError, UnsafePath, ValueError, AssertionError):  # PyGithub asserts on odd encodings
                return None

        return read

    def publish(self, review: Review, patch: Patch, options: PublishOptions) -> PublishOutcome:
        publisher = Publisher(self.api, self.repo, self.pull, self.run.head_sha, options, log=self.log)
        return publisher.publish(review, patch)
