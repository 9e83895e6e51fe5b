"""Fixtures for the GitHub tests: a real git repository with a PR's base and head, the fake GitHub server, the
Actions environment, and a small stand-in analyzer (so the tests do not depend on which analyzers are registered)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from reviewbot import wiring
from reviewbot.github import session
from reviewbot.github.client import Pacing
from reviewbot.models import (
    AnalyzerStatus,
    Confidence,
    Evidence,
    Finding,
    Severity,
    SourceFile,
    Status,
    finding_fingerprint,
)
from tests.github.fake_github import FakeGitHub
from tests.github.pr_repo import PrRepo

REPO = "octo/demo"
RW_TOKEN = "ghs_actions_write"
RO_TOKEN = "ghs_fork_readonly"


@pytest.fixture
def pr_repo(tmp_path: Path) -> PrRepo:
    return PrRepo(tmp_path / "work")


@pytest.fixture
def fake(pr_repo: PrRepo) -> Iterator[FakeGitHub]:
    server = FakeGitHub(REPO, page_size=2, text_at=pr_repo.text_at)
    server.add_token(RW_TOKEN, "github-actions[bot]")
    server.add_token(RO_TOKEN, "github-actions[bot]", write=False)
    with server:
        yield server


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff without waiting: every sleep the client asks for is recorded instead."""
    recorded: list[float] = []
    monkeypatch.setattr(session, "SLEEP", recorded.append)
    monkeypatch.setattr(session, "PACING", Pacing(write_interval=0, backoff=0.01, secondary_wait=0.05))
    return recorded


# -- a stand-in analyzer: flags eval() (error, CWE-95), print() (warning), "XXX" (error) -----------------------------
_RULES = [
    (re.compile(r"\beval\("), "B307", Severity.ERROR, "Use of eval() on untrusted input allows code injection.", 95),
    (re.compile(r"\bprint\("), "T201", Severity.WARNING, "print() found; use logging instead.", None),
    (re.compile(r"XXX"), "X001", Severity.ERROR, "Unfinished code marked XXX. Ask @octocat.", None),
]


def fake_findings(files: Sequence[SourceFile]) -> list[Finding]:
    out = []
    for sf in files:
        for n, line in enumerate(sf.text.splitlines(), 1):
            for pattern, rule, severity, message, cwe in _RULES:
                if pattern.search(line):
                    out.append(Finding(
                        tool="fakecheck", rule_id=rule, path=sf.path, line=n, end_line=n, severity=severity,
                        confidence=Confidence.HIGH, message=message, cwe=cwe,
                        fingerprint=finding_fingerprint("fakecheck", rule, sf.path, line),
                    ))
    return out


@pytest.fixture
def fake_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    def make_analyze(settings: Any, python: str = ""):  # type: ignore[no-untyped-def]
        def analyze(files: Sequence[SourceFile], workdir: Path, source: Any) -> Evidence:
            found = fake_findings(files)
            return Evidence(findings=tuple(found), statuses=(
                AnalyzerStatus("fakecheck", Status.OK, "1.0", findings=len(found)),))
        return analyze

    monkeypatch.setattr(wiring, "make_analyze", make_analyze)


class ActionEnv:
    """The environment of one Actions run of ``reviewbot action`` (written files included)."""

    def __init__(self, tmp: Path, repo: PrRepo, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.repo, self.fake, self.mp = tmp, repo, fake, monkeypatch
        self.summary = tmp / "step_summary.md"
        self.output = tmp / "github_output"
        self.runs = 0

    def set(self, *, number: int, base: str, head: str, action: str = "opened", token: str = RW_TOKEN,
            head_repo: str = REPO, workspace: Path | None = None) -> None:
        self.runs += 1
        event = {
            "action": action,
            "number": number,
            "pull_request": {
                "number": number,
                "base": {"sha": base, "ref": "main", "repo": {"full_name": REPO}},
                "head": {"sha": head, "ref": "feature", "repo": {"full_name": head_repo}},
            },
            "repository": {"full_name": REPO},
        }
        path = self.tmp / f"event-{self.runs}.json"
        path.write_text(json.dumps(event), encoding="utf-8")
        for k, v in {
            "GITHUB_EVENT_PATH": str(path),
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": self.fake.api_url,
            "GITHUB_TOKEN": token,
            "GITHUB_WORKSPACE": str(workspace or self.repo.root),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.output),
            "REVIEWBOT_WRITE_INTERVAL": "0",
        }.items():
            self.mp.setenv(k, v)
        for k in ("INPUT_FAIL_ON", "INPUT_CONFIG", "INPUT_MAX_COMMENTS", "INPUT_SARIF_OUTPUT", "INPUT_BOT_LOGIN"):
            self.mp.delenv(k, raising=False)

    def outputs(self) -> dict[str, str]:
        out = {}
        for line in self.output.read_text(encoding="utf-8").splitlines():
            if "=" in line:
                k, _, v = line.partition("=")
                out[k] = v
        return out


@pytest.fixture
def action_env(tmp_path: Path, pr_repo: PrRepo, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> ActionEnv:
    monkeypatch.chdir(pr_repo.root)
    for k in list(os.environ):
        if k.startswith(("GITHUB_", "REVIEWBOT_", "INPUT_")):
            monkeypatch.delenv(k)
    return ActionEnv(tmp_path, pr_repo, fake, monkeypatch)
