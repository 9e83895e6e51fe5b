"""The verification memo: a re-run does not re-analyse a fix it verified before; a changed file, fix, analyzer
version or setting does. Real bandit through the wiring's re-analysis, a real cache directory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from reviewbot.analyzers.bandit import Bandit, BanditOptions
from reviewbot.config import FileSettings, Settings
from reviewbot.discriminator.core import Discriminator
from reviewbot.discriminator.memo import Memo
from reviewbot.models import Candidate, Comment, Evidence, Finding
from reviewbot.wiring import make_memo, make_reanalyze
from tests.discriminator.conftest import Counting, llm, review_input, source_file

APP = '''import subprocess


def export(name):
    subprocess.run(f"tar czf /tmp/{name}.tgz data/", shell=True)
    return name


def load(blob):
    return eval(blob)
'''

LIST_ARGS = '    subprocess.run(["tar", "czf", name + ".tgz", "data/"], check=True)\n'
LITERAL = "    return ast.literal_eval(blob)\n"
PICKLE = "    return pickle.loads(blob)\n"


def settings(cache: Path, **extra: object) -> Settings:
    file = FileSettings.model_validate({"analyzers": ["bandit"], "jobs": 2, "cache-dir": str(cache)})
    return Settings(file, dict(extra))  # type: ignore[arg-type]


class Judge:
    """The discriminator as the wiring builds it (make_reanalyze, make_memo), its re-analysis counted."""

    def __init__(self, s: Settings, python: str = "") -> None:
        self.counting = Counting(make_reanalyze(s, python=python))
        self.memo = make_memo(s, python=python)
        assert self.memo is not None
        self.progress: list[str] = []
        self.discriminator = Discriminator(self.counting, memo=self.memo, progress=self.progress.append)

    def __call__(self, cands: Sequence[Candidate], text: str = APP) -> list[Comment]:
        comments, _ = self.discriminator.judge(cands, review_input([source_file("pkg/app.py", text)]))
        return comments


def candidates() -> list[Candidate]:
    return [llm("pkg/app.py", 5, LIST_ARGS, sample=0), llm("pkg/app.py", 10, LITERAL, sample=1),
            llm("pkg/app.py", 10, PICKLE, sample=2)]


def verdicts(comments: Sequence[Comment]) -> list[object]:
    return [(c.suggestion, c.score, c.verdict) for c in comments]


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_rerun_reanalyses_nothing_and_judges_the_same(cache: Path) -> None:
    first = Judge(settings(cache))
    before = first(candidates())
    assert first.counting.batches == [1 + 3]  # the original and three variants
    assert first.memo is not None and first.memo.stored == 3
    by_fix = {c.suggestion or c.verdict.steps["suggestion"]: c for c in before if c.verdict}
    assert "bandit:B602" in by_fix[LIST_ARGS].verdict.resolves  # type: ignore[union-attr]
    again = Judge(settings(cache))  # a new run: nothing shared but the cache directory
    after = again(candidates())
    assert again.counting.batches == []  # not one analyzer started
    assert again.memo is not None and (again.memo.hits, again.memo.misses) == (3, 0)
    assert verdicts(after) == verdicts(before)
    assert any(c.verdict and "introduces bandit B301" in c.verdict.steps["reanalysis"] for c in after)


def test_progress_names_each_candidate_being_verified(cache: Path) -> None:
    judge = Judge(settings(cache))
    judge(candidates())
    assert judge.progress[:3] == ["verifying 1/3: pkg/app.py:5 llm:m#0", "verifying 2/3: pkg/app.py:10 llm:m#1",
                                  "verifying 3/3: pkg/app.py:10 llm:m#2"]
    assert judge.progress[3] == "re-analysing 3 suggested fixes"
    again = Judge(settings(cache))
    again([*candidates(), llm("pkg/app.py", 10, "    return json.loads(blob)\n", sample=3)])
    assert again.progress[-1] == "re-analysing 1 suggested fix (3 verified before)"


def test_a_changed_file_is_reanalysed(cache: Path) -> None:
    Judge(settings(cache))(candidates())
    changed = APP + "\n\ndef later():\n    return 1\n"
    again = Judge(settings(cache))
    again(candidates(), changed)
    assert again.counting.batches == [1 + 3]


def test_a_changed_fix_is_reanalysed_alone(cache: Path) -> None:
    Judge(settings(cache))(candidates())
    again = Judge(settings(cache))
    comments = again([*candidates()[:2], llm("pkg/app.py", 10, "    return marshal.loads(blob)\n", sample=2)])
    assert again.counting.batches == [1 + 1]  # the original and the one new variant
    assert comments[2].verdict is not None and "bandit:B302" in comments[2].verdict.introduces


def test_another_analyzer_version_option_or_target_python_is_a_miss(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Judge(settings(cache))(candidates())
    again = Judge(settings(cache))
    again(candidates())
    assert again.counting.batches == []
    stricter = Judge(settings(cache, bandit=BanditOptions(severity="medium")))
    stricter(candidates())
    assert stricter.counting.batches == [4]
    older = Judge(settings(cache), python="3.9")
    older(candidates())
    assert older.counting.batches == [4]
    real = Bandit.version
    monkeypatch.setattr(Bandit, "version", lambda self: real(self) + " (patched)")
    upgraded = Judge(settings(cache))
    upgraded(candidates())
    assert upgraded.counting.batches == [4]


def test_no_memo_without_the_cache(cache: Path) -> None:
    file = FileSettings.model_validate({"analyzers": ["bandit"], "cache": False, "cache-dir": str(cache)})
    assert make_memo(Settings(file)) is None


def test_a_damaged_entry_is_a_miss_and_is_rewritten(cache: Path) -> None:
    Judge(settings(cache))(candidates())
    entries = sorted((cache / "verified").rglob("*.json"))
    assert len(entries) == 3
    entries[0].write_text(entries[0].read_text().replace('"bandit"', '"bandit2"', 1))  # checksum now wrong
    entries[1].write_bytes(b"\x00not json")
    again = Judge(settings(cache))
    after = again(candidates())
    assert again.counting.batches == [1 + 2]
    assert again.memo is not None and (again.memo.hits, again.memo.misses, again.memo.stored) == (1, 2, 2)
    assert all(c.verdict is not None and "reanalysis" in c.verdict.steps for c in after)
    third = Judge(settings(cache))
    third(candidates())
    assert third.counting.batches == []


def test_an_outcome_from_a_failed_analyzer_is_not_kept(cache: Path) -> None:
    def failing(files: Sequence[object], workdir: Path) -> Evidence:
        from reviewbot.models import AnalyzerStatus, Status

        return Evidence(statuses=(AnalyzerStatus("bandit", Status.ERROR, message="crashed"),))

    memo = make_memo(settings(cache))
    assert isinstance(memo, Memo)
    comments, notes = Discriminator(failing, memo=memo).judge(candidates(), review_input([source_file("pkg/app.py", APP)]))
    assert "re-analysis of fixes: bandit: crashed" in notes
    assert memo.stored == 0 and not (cache / "verified").exists()
    again = Judge(settings(cache))
    again(candidates())
    assert again.counting.batches == [4]


def test_identity_of_resolved_findings_survives_the_memo(cache: Path) -> None:
    """The memo keeps which baseline finding a fix resolves (the attribution compares them by identity)."""
    Judge(settings(cache))(candidates())
    memo = make_memo(settings(cache))
    assert memo is not None
    from reviewbot.discriminator.patching import apply_fix
    from reviewbot.discriminator.reanalysis import Variant

    sf = source_file("pkg/app.py", APP)
    applied = apply_fix(APP, candidates()[0])
    assert not isinstance(applied, str)
    key = memo.key(Variant(0, sf, applied))
    assert key is not None
    found = memo.get(key)
    assert found is not None
    outcome, ran = found
    assert ran == ("bandit",)
    assert all(any(r is b for b in outcome.baseline) for r in outcome.resolves)
    assert [f.rule_id for f in outcome.resolves] == ["B602"]
    assert all(isinstance(f, Finding) for f in outcome.baseline)
