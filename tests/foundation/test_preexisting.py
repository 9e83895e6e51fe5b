"""The pre-existing check's parts: the identifier-normalised code it compares, and what it does when the base
version cannot be analyzed (the findings are reported as before, with a note). Real bandit on real files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from reviewbot.analysis import run_analyzers
from reviewbot.analyzers.bandit import Bandit, BanditOptions
from reviewbot.filtering import place_all
from reviewbot.models import AnalyzerStatus, Evidence, Finding, SourceFile, Status
from reviewbot.preexisting import BaseAnalysis, check, code_key


@pytest.mark.parametrize(("before", "after"), [
    ("ssl_context.verify_mode = ssl.CERT_NONE", "ctx.verify_mode = ssl.CERT_NONE"),
    ("self.check_hostname = False", "context.check_hostname = False"),
    ("subprocess.call(cmd, shell=True)", "subprocess.call(command,  shell=True)  # renamed"),
    ("x = f(x)", "y = f(y)"),
    ("call(\n    a,\n    b)", "call(a, b)"),
])
def test_renames_and_layout_are_not_new(before: str, after: str) -> None:
    assert code_key(before) == code_key(after)


@pytest.mark.parametrize(("before", "after"), [
    ("subprocess.call('ls -l', shell=True)", "subprocess.call(path, shell=True)"),  # constant -> input
    ("requests.get(url, verify=True)", "requests.get(url, verify=False)"),  # the flag itself
    ("requests.get(url, verify=False)", "requests.get(url, check=False)"),  # keyword names are API
    ("ctx.verify_mode = ssl.CERT_NONE", "ctx.verify_mode = ssl.CERT_OPTIONAL"),  # attribute names are API
    ("x = f(x)", "x = f(y)"),  # not one consistent rename
    ("eval(text)", "exec(text)"),  # builtins are kept
    ("run(a == b)", "run(a = b)"),
])
def test_material_changes_are_new(before: str, after: str) -> None:
    assert code_key(before) != code_key(after)


BEFORE = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"
AFTER = "import subprocess\n\n\ndef run(command):\n    subprocess.call(command, shell=True)\n"


def head(tmp_path: Path) -> tuple[list[SourceFile], tuple[Finding, ...]]:
    sf = SourceFile("tool.py", AFTER, before=BEFORE, added_lines=frozenset({4, 5}), hunks=((1, 5),))
    (tmp_path / "head").mkdir()
    (tmp_path / "head" / "tool.py").write_text(AFTER)
    ev = run_analyzers([Bandit()], [sf], tmp_path / "head", {"bandit": BanditOptions()}, repo_root=None, rev=None,
                       cache=None)
    placed = place_all(ev.findings, [sf])
    assert [(f.rule_id, f.line) for f in placed] == [("B404", 1), ("B602", 5)]  # the import: not on an added line
    return [sf], placed


def real_base(files: Sequence[SourceFile], workdir: Path, tools: frozenset[str]) -> Evidence:
    return run_analyzers([Bandit()], files, workdir, {"bandit": BanditOptions()}, repo_root=None, rev=None,
                         cache=None)


def test_the_base_run_finds_the_renamed_line(tmp_path: Path) -> None:
    files, placed = head(tmp_path)
    prior = check(placed, files, BaseAnalysis(frozenset({"bandit"}), real_base))
    assert prior.at == {1} and prior.checked == 1 and prior.notes == ()
    assert "in run" in prior.why[1]


def test_a_failing_base_analysis_reports_as_before(tmp_path: Path) -> None:
    files, placed = head(tmp_path)

    def broken(files: Sequence[SourceFile], workdir: Path, tools: frozenset[str]) -> Evidence:
        raise OSError("disk full")

    prior = check(placed, files, BaseAnalysis(frozenset({"bandit"}), broken))
    assert prior.at == frozenset()
    assert prior.notes == ("pre-existing check skipped: the base version could not be analyzed (disk full)",)


def test_an_analyzer_error_on_the_base_reports_as_before(tmp_path: Path) -> None:
    files, placed = head(tmp_path)

    def failing(files: Sequence[SourceFile], workdir: Path, tools: frozenset[str]) -> Evidence:
        found = real_base(files, workdir, tools).findings  # its findings do not count when the analyzer failed
        return Evidence(findings=found, statuses=(AnalyzerStatus("bandit", Status.ERROR, message="timed out"),))

    prior = check(placed, files, BaseAnalysis(frozenset({"bandit"}), failing))
    assert prior.at == frozenset()
    assert prior.notes and "bandit failed on the base version (timed out)" in prior.notes[0]


def test_only_compared_analyzers_and_files_with_a_base_run(tmp_path: Path) -> None:
    files, placed = head(tmp_path)
    calls = []

    def spy(files: Sequence[SourceFile], workdir: Path, tools: frozenset[str]) -> Evidence:
        calls.append(tools)
        return Evidence()

    assert check(placed, files, BaseAnalysis(frozenset({"semgrep"}), spy)).at == frozenset()
    added = [SourceFile("tool.py", AFTER, added_lines=frozenset({1, 2, 3, 4, 5}), hunks=((1, 5),))]
    assert check(place_all(placed, added), added, BaseAnalysis(frozenset({"bandit"}), spy)).at == frozenset()
    assert calls == []


def test_code_the_base_does_not_have_needs_no_base_run(tmp_path: Path) -> None:
    before = "import subprocess\n\n\ndef run(cmd):\n    return cmd\n"
    sf = SourceFile("tool.py", AFTER, before=before, added_lines=frozenset({4, 5}), hunks=((1, 5),))
    (tmp_path / "tool.py").write_text(AFTER)
    ev = run_analyzers([Bandit()], [sf], tmp_path, {"bandit": BanditOptions()}, repo_root=None, rev=None, cache=None)
    placed = place_all(ev.findings, [sf])
    calls = []

    def spy(files: Sequence[SourceFile], workdir: Path, tools: frozenset[str]) -> Evidence:
        calls.append(tools)
        return Evidence()

    prior = check(placed, [sf], BaseAnalysis(frozenset({"bandit"}), spy))
    assert (prior.at, prior.checked, calls) == (frozenset(), 0, [])


def test_the_base_run_is_cached_like_the_head(tmp_path: Path) -> None:
    from reviewbot.config import FileSettings, Settings
    from reviewbot.wiring import make_base_analysis

    settings = Settings(FileSettings(analyzers=("bandit", "radon"), cache_dir=str(tmp_path / "cache")))
    base = make_base_analysis(settings, None)
    assert base.tools == {"bandit"}  # radon's findings are about the change: not compared
    files, placed = head(tmp_path)
    statuses = []

    def recording(files: Sequence[SourceFile], workdir: Path, tools: frozenset[str]) -> Evidence:
        ev = base.run(files, workdir, tools)
        statuses.append([(s.name, s.status, s.cached) for s in ev.statuses])
        return ev

    for _ in range(2):
        assert check(placed, files, BaseAnalysis(base.tools, recording)).at == {1}
    assert statuses == [[("bandit", Status.OK, 0)], [("bandit", Status.OK, 1)]]
