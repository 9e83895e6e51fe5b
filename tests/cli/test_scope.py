"""The review's settings decide what the analyzers do: the filter how much of each file semgrep scans (hunks only
by default, whole files when the filter reports on whole files; real semgrep, the shipped rule pack, a real
repository), and whether an LLM is configured whether what only feeds its prompts is computed (facts'
descriptions, radon's maintainability index)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewbot import analysis
from reviewbot.analyzers.facts import FactsOptions
from reviewbot.analyzers.radon import RadonOptions
from reviewbot.config import FileSettings, Settings
from reviewbot.llm.settings import LLMSettings
from reviewbot.models import Evidence, SourceFile
from reviewbot.sources import AllFilesSource
from reviewbot.wiring import make_analyze, make_reanalyze
from tests.helpers import GitRepo

OLD = "def old(x):\n    if x == None:\n        return 0\n    return x\n\n\ndef new(y):\n    return y\n"
NEW = OLD.replace("    return y\n", "    if y == None:\n        return 1\n    return y\n")


def test_findings_in_untouched_functions_follow_the_filter(repo: GitRepo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("calc.py", OLD)
    repo.commit("old code with a finding")
    repo.write("calc.py", NEW)
    lines = {}
    for mode in ("added", "diff_context", "file"):
        r = cli(repo.path, "review", "--analyzers", "semgrep", "--no-cache", "--filter", mode,
                "--format", "json")
        assert r.code in (0, 1), r
        lines[mode] = sorted(c["line"] for c in json.loads(r.out)["comments"] if c["rule"] == "none-comparison-eq")
    assert lines == {"added": [8], "diff_context": [8], "file": [2, 8]}


@pytest.mark.parametrize(
    ("file", "scope", "descriptions"),
    [
        (FileSettings(), "hunks", False),  # the default: no LLM, findings on added lines
        (FileSettings(filter="file"), "file", False),
        (FileSettings(filter="diff_context", llm=LLMSettings(provider="replay", cassette="c.json")), "hunks", True),
        (FileSettings(filter="nofilter", llm=LLMSettings(dump_prompts="out")), "file", True),
    ],
)
def test_settings_decide_scope_and_what_feeds_prompts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, file: FileSettings, scope: str, descriptions: bool
) -> None:
    seen: dict[str, object] = {}

    def fake_run(adapters, files, workdir, options, **kw):  # type: ignore[no-untyped-def]
        seen.update(kw, facts=options["facts"], radon=options["radon"])
        return Evidence()

    monkeypatch.setattr(analysis, "run_analyzers", fake_run)
    mine = {"facts": FactsOptions(max_items=5), "radon": RadonOptions(cc_jump=3)}
    analyze = make_analyze(Settings(file=file, analyzer_options=mine))
    analyze([SourceFile("a.py", "x = 1\n")], tmp_path, AllFilesSource(tmp_path, (), in_repo=False))
    assert seen["scope"] == scope
    # the user's own options are kept; only what feeds the prompts follows the LLM
    assert seen["facts"] == FactsOptions(max_items=5, descriptions=descriptions)
    assert seen["radon"] == RadonOptions(cc_jump=3, maintainability=descriptions)


def test_fixes_are_reanalysed_without_what_only_feeds_prompts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}

    def fake_run(adapters, files, workdir, options, **kw):  # type: ignore[no-untyped-def]
        seen.update(names=[a.name for a in adapters], options=dict(options))
        return Evidence()

    monkeypatch.setattr(analysis, "run_analyzers", fake_run)
    llm = LLMSettings(provider="openai", model="m")
    file = FileSettings(analyzers=("facts", "radon", "bandit"), llm=llm)
    make_reanalyze(Settings(file=file, analyzer_options={"radon": RadonOptions(cc_jump=3)}))(
        [SourceFile("a.py", "x = 1\n")], tmp_path
    )
    assert seen["names"] == ["radon", "bandit"]  # facts feeds prompts: not run on patched fixes
    assert seen["options"]["radon"] == RadonOptions(cc_jump=3, maintainability=False)  # type: ignore[index]
