"""Step 4: equivalent fixes cluster; samples of one model are consensus, other tools are agreement."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reviewbot.discriminator.consensus import consensus, family, independent
from reviewbot.models import Candidate, Confidence, Finding, Severity
from tests.discriminator.conftest import llm


def test_family() -> None:
    assert family("bandit:B602") == "bandit"
    assert family("llm:gpt-4o#3") == family("llm:gpt-4o#0") == "llm:gpt-4o"
    assert family("llm:other#0") != family("llm:gpt-4o#0")


def test_samples_agree_on_equivalent_fixes_and_flagged_lines() -> None:
    cands = [llm("a.py", 3, "x\n", sample=i) for i in range(3)] + [llm("a.py", 3, "y\n", sample=3)]
    cands.append(llm("b.py", 1, None, sample=4))  # another sample of the model, elsewhere
    hashes = {0: "h1", 1: "h1", 2: "h1", 3: "h2"}
    out = consensus(cands, hashes, {})
    assert (out[0].cluster_size, out[0].samples_fix, out[0].samples_fixing, out[0].samples_flag) == (3, 3, 4, 4)
    assert (out[3].cluster_size, out[3].samples_fix) == (1, 1)
    assert out[0].samples_total == 5 and out[4].samples_flag == 1 and out[4].samples_fixing == 0
    assert independent(out[0]) == 0  # samples of one model are not independent sources


def test_fixes_that_do_not_parse_join_no_cluster() -> None:
    cands = [llm("a.py", 3, "x\n", sample=0), llm("a.py", 3, "x(\n", sample=1)]
    out = consensus(cands, {0: "h1"}, {})
    assert out[0].cluster_size == out[1].cluster_size == 1
    assert (out[1].samples_fix, out[1].samples_fixing) == (1, 2)  # it stands alone among the two proposals


def test_static_and_llm_on_the_same_lines_agree_and_triage_confirms() -> None:
    finding = Finding("bandit", "B602", "a.py", 5, 5, Severity.ERROR, Confidence.HIGH, "shell", fingerprint="fp1")
    static = Candidate("a.py", 5, 5, Severity.ERROR, "shell", "bandit:B602", fingerprint="fp1", cites=("fp1",))
    triage = replace(llm("a.py", 5, None), cites=("fp1",))
    elsewhere = llm("a.py", 9, None, sample=1)
    semgrep = Candidate("a.py", 4, 6, Severity.WARNING, "shell", "semgrep:shell-command-formatted")
    out = consensus([static, triage, elsewhere, semgrep], {}, {"fp1": finding})
    assert set(out[0].agreement) == {"llm:m#0", "semgrep:shell-command-formatted"}
    assert out[0].confirmed_by == ("llm:m#0",)
    assert "bandit:B602" in out[1].agreement  # cites the finding, and the static candidate overlaps
    assert independent(out[0]) == 2 and independent(out[2]) == 0


def test_equivalent_fix_from_another_source_counts_as_a_family() -> None:
    autofix = Candidate("a.py", 2, 2, Severity.WARNING, "== None", "semgrep:none-compare")
    model = llm("a.py", 2, "x\n")
    out = consensus([replace(autofix, fix=model.fix), model], {0: "h", 1: "h"}, {})
    assert out[0].cluster_families == out[1].cluster_families == 2


def test_samples_fixing_the_same_lines_pool_their_confidence() -> None:
    cands = [llm("a.py", 3, "x\n", sample=0, confidence=0.9), llm("a.py", 3, "y\n", sample=1, confidence=0.3),
             llm("a.py", 3, None, sample=2, confidence=0.1),  # comments without a fix: not a competing fix
             llm("a.py", 8, "z\n", sample=3, confidence=0.8),  # other lines
             llm("a.py", 3, "x\n", model="other", confidence=0.2)]  # another model
    out = consensus(cands, {0: "h1", 1: "h2", 3: "h3", 4: "h1"}, {})
    assert out[0].samples_confidence == out[1].samples_confidence == pytest.approx(0.6)
    assert out[2].samples_confidence is None  # no fix of its own
    assert out[3].samples_confidence == 0.8 and out[4].samples_confidence == 0.2


def test_a_triage_fix_and_its_finding_are_one_claim_not_two_voices() -> None:
    """Triage already raised the finding's confidence; its fix for that finding neither agrees with the finding nor
    confirms it (counting it scored a triaged unused variable 0.96 on a clean change), while a review comment
    citing the same finding still counts."""
    finding = Finding("pylint", "W0612", "a.py", 5, 5, Severity.WARNING, Confidence.HIGH, "unused", fingerprint="fp1")
    static = Candidate("a.py", 5, 5, Severity.WARNING, "unused", "pylint:unused-variable", fingerprint="fp1")
    fix = replace(llm("a.py", 5, "pass\n"), cites=("fp1",), from_triage=True)
    review = replace(llm("a.py", 5, None), cites=("fp1",), origin="llm:other#0")
    out = consensus([static, fix, review], {}, {"fp1": finding})
    assert "llm:m#0" not in out[0].agreement + out[0].confirmed_by
    assert out[0].confirmed_by == ("llm:other#0",)
    assert "pylint:unused-variable" not in out[1].agreement and independent(out[1]) == 1  # only the other model
    assert "pylint:unused-variable" in out[2].agreement
