"""`reviewbot review` end to end on real git repositories: sources, formats, exit codes, bad input, safety."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from reviewbot import analyzers
from reviewbot.cli import main
from tests.conftest import git_state
from tests.helpers import GitRepo

SCHEMA = json.loads(resources.files("reviewbot.schema").joinpath("review.schema.json").read_text())


@pytest.fixture(autouse=True)
def marker_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(analyzers.BUILTIN, "marker", "tests.foundation.marker_analyzer:MarkerAnalyzer")


def run(repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(repo.path)
    code = main(["review", "--analyzers", "marker", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def changed(repo: GitRepo) -> GitRepo:
    repo.write("app.py", "import ast\n\n\ndef load(text):\n    return text\n")
    repo.write("README.txt", "docs\n")
    repo.commit("base")
    repo.write("app.py", "import ast\n\n\ndef load(text):\n    return eval(text)\n")
    repo.write("README.txt", "more docs\n")
    return repo


def test_json_report_validates_and_has_the_finding(changed, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(changed, monkeypatch, capsys, "--format", "json")
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert code == 1, err
    [comment] = doc["comments"]
    assert (comment["path"], comment["line"], comment["end_line"]) == ("app.py", 5, 5)
    assert comment["origin"] == "marker:no-eval"
    assert comment["severity"] == "error"
    assert comment["cwe"] == 95
    assert comment["suggestion"] == "    return ast.literal_eval(text)\n"
    assert 0 < comment["score"] <= 1
    assert doc["summary"]["files_reviewed"] == ["app.py"]
    assert doc["summary"]["files_skipped"] == [{"path": "README.txt", "reason": "not python"}]
    [status] = doc["summary"]["analyzers"]
    assert status["name"] == "marker" and status["status"] == "ok" and status["findings"] == 1


def test_exit_code_follows_the_fail_level(changed, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(changed, monkeypatch, capsys, "--fail-on", "none")[0] == 0
    assert run(changed, monkeypatch, capsys, "--fail-on", "error")[0] == 1
    changed.write("app.py", "import ast\n\n\ndef load(text):\n    print(text)\n    return text\n")
    assert run(changed, monkeypatch, capsys, "--fail-on", "error", "--min-score", "0")[0] == 0
    assert run(changed, monkeypatch, capsys, "--fail-on", "info", "--min-score", "0")[0] == 1


def test_only_added_lines_are_reported_by_default(repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.write("old.py", "x = eval('1')\n\n\n\n\n\n\n\ny = 2\n")
    repo.commit()
    repo.write("old.py", "x = eval('1')\n\n\n\n\n\n\n\ny = 3\n")
    code, out, _ = run(repo, monkeypatch, capsys, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["comments"] == []
    assert doc["summary"]["cut"] == {"outside-diff-filter": 1}
    code, out, _ = run(repo, monkeypatch, capsys, "--format", "json", "--filter", "file")
    assert [c["line"] for c in json.loads(out)["comments"]] == [1]


def test_staged_reviews_only_the_index(repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.write("a.py", "a = 1\n")
    repo.write("b.py", "b = 1\n")
    repo.commit()
    repo.write("a.py", "a = eval('2')\n")
    repo.git("add", "a.py")
    repo.write("a.py", "a = 2\n")  # unstaged edit removes it again in the tree
    repo.write("b.py", "b = eval('3')\n")  # unstaged only
    _, out, _ = run(repo, monkeypatch, capsys, "--staged", "--format", "json")
    doc = json.loads(out)
    assert [(c["path"], c["line"]) for c in doc["comments"]] == [("a.py", 1)]
    _, out, _ = run(repo, monkeypatch, capsys, "--format", "json")
    assert [(c["path"], c["line"]) for c in json.loads(out)["comments"]] == [("b.py", 1)]


def test_base_head_range_with_and_without_merge_base(repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.write("m.py", "x = 1\n")
    repo.commit("root")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feat.py", "y = eval('1')\n")
    repo.commit("feature work")
    repo.git("checkout", "-q", "main")
    repo.write("main_only.py", "z = eval('2')\n")
    repo.commit("main moves on")
    _, out, _ = run(repo, monkeypatch, capsys, "--base", "main", "--head", "feature", "--format", "json")
    assert {c["path"] for c in json.loads(out)["comments"]} == {"feat.py"}  # merge base: only the branch's work
    _, out, _ = run(repo, monkeypatch, capsys, "--base", "main", "--head", "feature", "--no-merge-base",
                    "--format", "json")
    doc = json.loads(out)
    assert {c["path"] for c in doc["comments"]} == {"feat.py"}
    assert "main_only.py" in {f["path"] for f in doc["summary"]["files_skipped"]}  # deleted in a two-dot diff


def test_paths_limit_the_review(repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.write("pkg/a.py", "a = 1\n")
    repo.write("other/b.py", "b = 1\n")
    repo.commit()
    repo.write("pkg/a.py", "a = eval('1')\n")
    repo.write("other/b.py", "b = eval('1')\n")
    _, out, _ = run(repo, monkeypatch, capsys, "pkg", "--format", "json")
    assert {c["path"] for c in json.loads(out)["comments"]} == {"pkg/a.py"}


def test_patch_file_is_reviewed_against_the_tree(changed, monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    patch = tmp_path / "change.patch"
    patch.write_text(changed.git("diff"))
    _, out, _ = run(changed, monkeypatch, capsys, "--patch", str(patch), "--format", "json")
    doc = json.loads(out)
    assert [(c["path"], c["line"]) for c in doc["comments"]] == [("app.py", 5)]


def test_patch_that_does_not_match_the_tree_is_skipped_not_misread(changed, monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    patch = tmp_path / "change.patch"
    patch.write_text(changed.git("diff"))
    changed.write("app.py", "# rewritten\n")
    code, out, _ = run(changed, monkeypatch, capsys, "--patch", str(patch), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["comments"] == []
    assert {"path": "app.py", "reason": "file does not match the diff (apply the patch first)"} in doc["summary"][
        "files_skipped"
    ]


def test_formats_text_markdown_and_colour(changed, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = run(changed, monkeypatch, capsys, "--format", "text")
    assert "app.py\n" in out and "5 │     return eval(text)" in out and "\x1b[" not in out
    assert "+     return ast.literal_eval(text)" in out and "error" in out
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run(changed, monkeypatch, capsys, "--format", "text")
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(changed, monkeypatch, capsys, "--format", "text")
    assert "\x1b[" not in out
    _, out, _ = run(changed, monkeypatch, capsys, "--format", "markdown")
    assert "```suggestion\n    return ast.literal_eval(text)\n```" in out
    assert "| marker | ok | 1 |" in out


def test_output_file(changed, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(changed, monkeypatch, capsys, "--format", "json", "--output", "report/review.json")
    assert code == 1 and out == ""
    report = changed.path / "report" / "review.json"
    jsonschema.validate(json.loads(report.read_text()), SCHEMA)
    report.unlink()
    report.parent.rmdir()


def test_nothing_in_the_repo_changes(changed, monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    changed.git("add", "app.py")
    changed.write("new.py", "n = eval('1')\n")
    patch = tmp_path / "p.patch"
    patch.write_text(changed.git("diff", "HEAD"))
    before = git_state(changed.path)
    for args in ([], ["--staged"], ["--base", "HEAD"], ["--patch", str(patch)], ["--all-files"]):
        run(changed, monkeypatch, capsys, "--format", "json", *args)
        assert git_state(changed.path) == before, args


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("norepo", [], "not inside a git repository"),
        ("repo", ["--base", "no-such-ref"], "unknown revision 'no-such-ref'"),
        ("repo", ["--patch", "missing.patch"], "missing.patch: no such file"),
        ("repo", ["--patch", "."], ".: is a directory"),
        ("garbage", ["--patch", "garbage.patch"], "garbage.patch: no file changes found"),
        ("typo", [], "unknown key 'tool.reviewbot.max-comment'"),
        ("repo", ["--staged", "--base", "HEAD"], "--staged and --base cannot be combined"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, setup, args, message) -> None:  # type: ignore[no-untyped-def]
    where = tmp_path / "w"
    where.mkdir()
    if setup != "norepo":
        r = GitRepo(where).init()
        r.write("a.py", "a = 1\n")
        r.commit()
    if setup == "garbage":
        (where / "garbage.patch").write_text("hello, I am not a diff\n")
    if setup == "typo":
        (where / "pyproject.toml").write_text("[tool.reviewbot]\nmax-comment = 3\n")
    monkeypatch.chdir(where)
    code = main(["review", *args])
    out, err = capsys.readouterr()
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_verbose_shows_the_traceback(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    assert main(["review", "-v"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_symlinks_are_never_followed(repo, monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "id_rsa"
    secret.write_text("TOPSECRET-KEY-MATERIAL\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.py").write_text("LEAK = 'TOPSECRET-DIR'\n")
    repo.write("a.py", "a = 1\n")
    repo.commit()
    os.symlink(secret, repo.path / "secrets.py")
    os.symlink(outside, repo.path / "pkg")
    repo.git("add", "-A")
    patch = tmp_path / "p.patch"
    patch.write_text("--- /dev/null\n+++ b/pkg/x.py\n@@ -0,0 +1 @@\n+LEAK = 'TOPSECRET-DIR'\n")
    for args in ([], ["--staged"], ["--all-files"], ["--patch", str(patch)]):
        code, out, err = run(repo, monkeypatch, capsys, "--format", "json", "--filter", "nofilter", *args)
        assert "TOPSECRET" not in out + err, args
        skipped = {f["path"]: f["reason"] for f in json.loads(out)["summary"]["files_skipped"]}
        assert any("symlink" in reason for reason in skipped.values()), (args, skipped)


def test_stdin_patch_and_version_in_a_subprocess(changed) -> None:  # type: ignore[no-untyped-def]
    exe = Path(sys.executable).parent / "reviewbot"
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("reviewbot ")
    proc = subprocess.run(
        [exe, "review", "--patch", "-", "--analyzers", "", "--format", "json"],
        input=changed.git("diff"),
        capture_output=True,
        text=True,
        cwd=changed.path,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["files_reviewed"] == ["app.py"]


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from reviewbot.cli import main\n"
        "try:\n    main(['review', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('libcst', 'pydantic', 'rich', 'unidiff', 'httpx', 'github', 'bandit', 'pylint')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_a_static_review_imports_no_llm_http_or_spinner_modules(repo: GitRepo) -> None:
    """What a commit hook never needs is not imported on its way (the HTTP client, the Markdown parser behind the
    link guard when no text could hold a link, the spinner)."""
    repo.write("app.py", "def f(x):\n    return x\n")
    repo.commit()
    repo.write("app.py", "def f(x):\n    return x + 1\n")
    repo.git("add", "app.py")
    code = (
        "import sys\n"
        "from reviewbot.cli import main\n"
        "code = main(['review', '--staged', '--analyzers', '', '--format', 'short'])\n"
        "heavy = [m for m in ('httpx', 'markdown_it', 'rich.status', 'jinja2', 'github', 'libcst') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo.path)
    assert proc.stdout.strip().splitlines()[-1] == "0 []", proc.stderr


def test_a_stale_caller_in_an_untouched_file_goes_to_the_summary(repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.write("lib.py", "def reserve(item, qty):\n    return qty\n")
    repo.write("use.py", "from lib import reserve\n\nreserve('a', 1)\n")
    repo.commit()
    repo.write("lib.py", "def reserve(item, qty, warehouse):\n    return qty\n")
    monkeypatch.chdir(repo.path)
    code = main(["review", "--analyzers", "facts", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, SCHEMA)
    [moved] = doc["summary"]["moved_to_summary"]
    assert (moved["path"], moved["line"], moved["origin"]) == ("use.py", 3, "facts:signature-change-caller")
    assert "warehouse" in moved["body"]
    assert "outside-diff-filter" not in doc["summary"]["cut"]
    assert code == 0  # summary-only items do not fail the run
