"""Reading the run: the event, the trusted config at the base commit, the API diff, annotations and outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewbot.diff import FileStatus, parse_patch
from reviewbot.errors import ConfigError, ReviewbotError
from reviewbot.github import apidiff, event, fallback, trust
from reviewbot.models import Comment, Severity
from tests.github.pr_repo import PrRepo


def test_event_from_the_actions_environment(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({
        "action": "synchronize",
        "pull_request": {"number": 12, "base": {"sha": "A" * 40}, "head": {"sha": "b" * 40,
                                                                           "repo": {"full_name": "fork/demo"}}},
    }), encoding="utf-8")
    run = event.read({"GITHUB_EVENT_PATH": str(path), "GITHUB_REPOSITORY": "octo/demo", "GITHUB_TOKEN": "t",
                      "GITHUB_API_URL": "https://ghes.example/api/v3/", "GITHUB_EVENT_NAME": "pull_request"})
    assert (run.number, run.base_sha, run.head_sha) == (12, "a" * 40, "b" * 40)
    assert run.api_url == "https://ghes.example/api/v3" and run.is_fork and run.action == "synchronize"
    assert event.read({"GITHUB_REPOSITORY": "o/r"}, number=3).api_url == "https://api.github.com"


@pytest.mark.parametrize("env, message", [
    ({"GITHUB_REPOSITORY": "o/r"}, "not about a pull request"),
    ({}, "GITHUB_REPOSITORY"),
])
def test_event_errors_are_clear(env: dict[str, str], message: str) -> None:
    with pytest.raises(ReviewbotError, match=message):
        event.read(env)


def test_bad_sha_is_rejected() -> None:
    with pytest.raises(ReviewbotError, match="not a commit id"):
        event.read({"GITHUB_REPOSITORY": "o/r"}, number=1, base_sha="--upload-pack=evil")


def test_trusted_config_ignores_the_head(pr_repo: PrRepo) -> None:
    base = pr_repo.commit({"pyproject.toml": '[project]\nname = "x"\n[tool.reviewbot]\nmax-comments = 4\n'})
    head = pr_repo.commit({"pyproject.toml": '[tool.reviewbot]\nmax-comments = 99\n[tool.reviewbot.llm]\n'
                                             'provider = "openai"\nbase-url = "http://attacker"\n'})
    got = trust.load(pr_repo.root, base, head_sha=head, environ={"REVIEWBOT_FAIL_ON": "warning"},
                     overrides={"max-comments": None, "llm": {"model": "m"}})
    assert got.settings.file.max_comments == 4 and got.settings.file.llm.base_url == ""
    assert got.settings.file.fail_on == "warning" and got.settings.file.llm.model == "m"
    assert got.origin == f"pyproject.toml@{base[:12]}"
    assert any("takes effect once merged" in n for n in got.notes)


def test_trusted_config_errors_name_the_base_file(pr_repo: PrRepo) -> None:
    base = pr_repo.commit({".reviewbot.toml": "max-comments = -1\n"})
    with pytest.raises(ConfigError, match=rf"\.reviewbot\.toml@{base[:12]}: max-comments"):
        trust.load(pr_repo.root, base)
    with pytest.raises(ConfigError, match="relative"):
        trust.load(pr_repo.root, base, config_path="../../etc/passwd")


def test_trusted_config_through_the_api_when_the_base_is_missing(pr_repo: PrRepo) -> None:
    pr_repo.commit({"a.py": "x = 1\n"})
    asked = []

    def fetch(path: str, ref: str) -> bytes | None:
        asked.append((path, ref))
        return b"max-comments = 2\n" if path == ".reviewbot.toml" else None

    got = trust.load(pr_repo.root, "f" * 40, fetch=fetch)
    assert got.settings.file.max_comments == 2 and asked[0] == (".reviewbot.toml", "f" * 40)


def test_api_file_list_becomes_a_parseable_diff() -> None:
    class F:
        def __init__(self, filename: str, status: str, patch: str | None, previous: str | None = None) -> None:
            self.filename, self.status, self.patch, self.previous_filename = filename, status, patch, previous

    text, notes = apidiff.unified_diff([
        F("new file.py", "added", "@@ -0,0 +1,2 @@\n+a = 1\n+b = 2"),
        F("mod.py", "modified", "@@ -1,2 +1,3 @@\n x = 1\n+y = 2\n z = 3"),
        F("gone.py", "removed", "@@ -1 +0,0 @@\n-x = 1"),
        F("new_name.py", "renamed", None, "old_name.py"),
        F("logo.png", "modified", None),
    ])
    files = {f.path: f for f in parse_patch(text).files}
    assert files["new file.py"].status is FileStatus.ADDED and files["new file.py"].added_lines == {1, 2}
    assert files["mod.py"].added_lines == {2}
    assert files["gone.py"].status is FileStatus.DELETED
    assert files["new_name.py"].status is FileStatus.RENAMED and files["new_name.py"].old_path == "old_name.py"
    assert files["logo.png"].binary
    assert notes == ["logo.png: the API gives no diff for it (binary or too large); not reviewed"]


def test_annotations_escape_workflow_command_syntax() -> None:
    c = Comment(path="a,b:c.py", line=3, end_line=4, severity=Severity.INFO, origin="llm:m#1",
                body="100% bad\r\n::error::injected @team", score=0.5, reason="")
    line = fallback.annotation(c)
    assert line.startswith("::notice file=a%2Cb%3Ac.py,line=3,endLine=4,title=reviewbot%3A llm%3Am#1::")
    assert "\n" not in line and "\r" not in line
    assert line.endswith("100%25 bad%0D%0A::error::injected @\u200bteam")


def test_outputs_use_a_delimiter_for_multiline_values() -> None:
    text = fallback.output_lines({"comments": "3", "odd": "a\nb"})
    assert text.startswith("comments=3\nodd<<ghadelimiter_")
    assert text.rstrip("\n").endswith(text.split("<<", 1)[1].split("\n", 1)[0])
