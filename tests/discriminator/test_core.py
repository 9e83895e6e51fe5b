"""The whole discriminator in the pipeline: a real repository, real bandit, static and model candidates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

import reviewbot
from reviewbot.config import FileSettings, Settings
from reviewbot.contracts import ReviewInput
from reviewbot.discriminator.core import Discriminator
from reviewbot.models import Candidate, Review, Stats
from reviewbot.pipeline import run_review
from reviewbot.publishers.serialize import review_data
from reviewbot.sources import WorktreeSource
from reviewbot.static_reviewer import static_review
from reviewbot.wiring import make_analyze, make_discriminator
from tests.conftest import git_state
from tests.discriminator.conftest import llm, review_input, source_file
from tests.helpers import GitRepo

BEFORE = '''"""Archives."""


def export(name):
    return name
'''

AFTER = '''"""Archives."""

import subprocess


def export(name):
    subprocess.run(f"tar czf {name}.tgz data/", shell=True)
    return name
'''

SCHEMA = Path(reviewbot.__file__).parent / "schema" / "review.schema.json"
GOOD = '    subprocess.run(["tar", "czf", name + ".tgz", "data/"], check=True)\n'
GOOD_REFORMATTED = '    subprocess.run( ["tar", "czf", name + ".tgz", "data/"], check=True )  # no shell\n'
BAD = '    subprocess.run(["tar", "czf", name + ".tgz", "data/"], check=True\n'


def with_models(inp: ReviewInput) -> tuple[Sequence[Candidate], Stats]:
    """The static candidates plus three samples of a model fixing the shell call (two agree, one is cut off)."""
    static, stats = static_review(inp)
    line = next(c.line for c in static if c.origin == "bandit:B602")
    models = [llm("app.py", line, text, sample=i, confidence=0.6) for i, text in enumerate([GOOD, GOOD_REFORMATTED, BAD])]
    return [*static, *models], stats


def review(repo: GitRepo, **settings: object) -> Review:
    s = Settings(FileSettings.model_validate({"analyzers": ["bandit"], "jobs": 2, "cache": False, **settings}))
    return run_review(
        WorktreeSource(repo.path),
        s,
        analyze=make_analyze(s),
        reviewer=with_models,
        discriminator=make_discriminator(s),
    )


@pytest.fixture
def changed(repo: GitRepo) -> GitRepo:
    repo.write("app.py", BEFORE)
    repo.commit()
    repo.write("app.py", AFTER)
    return repo


def test_verified_suggestion_with_reason_and_every_step_recorded(changed: GitRepo) -> None:
    state = git_state(changed.path)
    result = review(changed)
    assert git_state(changed.path) == state  # nothing written into the user's tree or index
    (posted,) = [c for c in result.comments if c.line == 7]
    assert posted.suggestion in (GOOD, GOOD_REFORMATTED)
    # an LLM comment names its own signals first, then what was verified of its fix
    assert posted.reason.startswith(
        "llm m#0, warning, confidence 0.6; verified: resolves bandit B602, introduces nothing; 2 of 3 samples agree"
    )
    assert "bandit:B602" in posted.sources and len(posted.sources) == 4
    data = review_data(result)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    everything = data["comments"] + data["rejected"]
    assert len(everything) == 5  # B404 (info), B602, three samples
    for c in everything:
        steps = c["verdict"]["steps"]
        assert {"score", "budget"} <= set(steps)
    cut = {c["origin"]: c["verdict"]["steps"] for c in data["rejected"]}
    assert cut["llm:m#2"]["parses"].startswith("no: ")
    assert cut["llm:m#2"]["suggestion"] == "withheld: does not parse"
    assert cut["bandit:B404"]["budget"].startswith("below the threshold")
    assert data["summary"]["cut"]["below-threshold"] == 1
    assert any("withheld (does not parse: 1)" in n for n in data["summary"]["notes"])


def test_verify_off_checks_only_apply_and_parse(changed: GitRepo) -> None:
    result = review(changed, verify=False)
    (posted,) = [c for c in result.comments if c.line == 7]
    assert posted.verdict is not None and posted.suggestion in (GOOD, GOOD_REFORMATTED)
    assert posted.verdict.steps["reanalysis"] == "off (verify = false)"
    assert posted.reason.startswith("llm m#0, warning, confidence 0.6; applies and parses (not re-analysed); 2 of 3")


def test_without_a_fix_a_severe_confident_finding_is_posted_and_info_is_not(changed: GitRepo) -> None:
    s = Settings(FileSettings.model_validate({"analyzers": ["bandit"], "jobs": 2, "cache": False}))
    result = run_review(WorktreeSource(changed.path), s, analyze=make_analyze(s), reviewer=static_review,
                        discriminator=make_discriminator(s))
    assert [c.origin for c in result.comments] == ["bandit:B602"]
    assert result.comments[0].suggestion is None
    assert result.comments[0].reason.startswith("bandit B602, error")
    assert [c.origin for c in result.rejected] == ["bandit:B404"]


def test_a_fix_anchored_on_other_lines_is_not_shown(changed: GitRepo) -> None:
    def off_by_one(inp: ReviewInput) -> tuple[Sequence[Candidate], Stats]:
        c = llm("app.py", 7, GOOD, confidence=0.9, severity=inp.evidence.findings[-1].severity)
        return [replace(c, fix=replace(c.fix, start_line=6, end_line=6))], Stats()  # type: ignore[type-var]

    s = Settings(FileSettings.model_validate({"analyzers": ["bandit"], "jobs": 2, "cache": False, "min-score": 0}))
    result = run_review(WorktreeSource(changed.path), s, analyze=make_analyze(s), reviewer=off_by_one,
                        discriminator=make_discriminator(s))
    (c,) = result.comments
    assert c.suggestion is None and c.verdict is not None and c.verdict.applies is False
    assert c.verdict.steps["applies"] == "no: fix replaces lines 6-6 but the comment is on 7-7"


COUNT = '''def total(items):
    n = 0
    for item in items:
        n += item.size
    return n


def count(items):
    return items.size
'''


def test_of_competing_samples_the_one_in_the_files_idiom_ranks_first() -> None:
    """Two samples fix line 9; nothing re-analyses them. Their self-confidence is pooled, so the sure-of-itself
    sample that brings in code the file never uses does not outrank the one written in the file's own terms."""
    familiar = llm("app.py", 9, "    return len(items)\n", sample=0, confidence=0.3)
    strange = llm("app.py", 9, "    return sum(1 for _ in items)\n", sample=1, confidence=0.95)
    comments, _ = Discriminator().judge([familiar, strange], review_input([source_file("app.py", COUNT)]))
    first, second = comments
    assert first.suggestion is not None and second.suggestion is not None
    assert first.verdict is not None and second.verdict is not None
    assert first.verdict.fix_score is not None and second.verdict.fix_score is not None
    assert first.verdict.fix_score > second.verdict.fix_score
    assert first.verdict.steps["naturalness"] == (
        "2 token pairs found nowhere else in the file; the most familiar other fix for these lines: 6"
    )
    assert "less-natural-than-alternatives -1.00" in second.verdict.steps["fix-score"]
    assert "confidence +0.18" in first.verdict.steps["fix-score"]
    assert "confidence +0.18" in second.verdict.steps["fix-score"]
