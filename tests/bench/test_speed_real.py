"""bench/speed_real.py without the network and without timing anything: the skip when no sdist was fetched, the
stage split of a run's progress lines, and the comparison of two reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import speed_real as bench  # noqa: E402


def test_cases_without_sdists_are_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["run", "--cache", str(tmp_path), "--no-demo"]) == 0
    out = capsys.readouterr().out
    for pair in bench.PAIRS:
        assert f"speed_real: {pair.id} skipped, its sdists are not in {tmp_path / 'sdists'}" in out
    assert not (tmp_path / "repos").exists() or not any((tmp_path / "repos").iterdir())


def test_three_projects_one_of_them_a_large_range() -> None:
    assert len({p.name for p in bench.PAIRS}) >= 3
    assert bench.PAIRS[0].id == "sphinx 7.2.6..7.3.0"


def test_stages_from_the_progress_lines() -> None:
    run = bench.Run(10.0, 100.0, {}, [("reading x", 0.5), ("analyzing 3 file(s)", 1.0), ("ranking 2 candidate(s)", 4.0),
                                      ("verifying 1/2: a.py:3 bandit:B602", 4.5), ("verifying 2/2: a.py:9 x:y", 5.0),
                                      ("re-analysing 2 suggested fixes", 5.5)])
    stages = run.stages()
    assert stages == pytest.approx({"reading": 0.5, "analyzing": 3.0, "ranking": 0.5, "verifying": 1.0,
                                    "rest": 5.0})


def test_reports_compare_without_their_timings() -> None:
    a = {"comments": [{"rule": "B602"}], "stats": {"seconds": 3.0},
         "summary": {"analyzers": [{"name": "bandit", "seconds": 2.0, "cached": 0}]}}
    b = {"comments": [{"rule": "B602"}], "stats": {"seconds": 0.1},
         "summary": {"analyzers": [{"name": "bandit", "seconds": 0.0, "cached": 3}]}}
    assert bench._same(a, b)
    assert not bench._same(a, {**b, "comments": []})
