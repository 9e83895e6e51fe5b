"""Step 6: the score, its terms, and the rules that keep a bad fix from being shown."""

from __future__ import annotations

from dataclasses import replace

from reviewbot.discriminator import scoring
from reviewbot.discriminator.scoring import DEFAULT_THRESHOLD, Signals, fix_score, score, suggestion_ok
from reviewbot.models import Severity

W, E, I = Severity.WARNING, Severity.ERROR, Severity.INFO


def verified(**kw: object) -> Signals:
    base: dict[str, object] = {"severity": W, "confidence": 0.6, "from_llm": False, "has_fix": True, "applies": True,
                               "parses": True, "reanalyzed": True, "target_resolved": True, "fix_tokens": 2}
    base.update(kw)
    return Signals(**base)  # type: ignore[arg-type]


def test_quiet_by_default() -> None:
    assert score(Signals(W, 0.3, False))[0] < DEFAULT_THRESHOLD  # no fix, low confidence
    assert score(Signals(I, 0.9, False))[0] < DEFAULT_THRESHOLD  # info, even when sure
    assert score(Signals(W, 0.6, False))[0] < DEFAULT_THRESHOLD  # a medium warning alone
    # a model's warning is posted when it is sure (fitted on real changes), not when it hedges
    assert score(Signals(W, 0.8, True))[0] > DEFAULT_THRESHOLD > score(Signals(W, 0.6, True))[0]
    assert score(Signals(E, 0.6, True))[0] > DEFAULT_THRESHOLD > score(Signals(I, 0.9, True))[0]
    assert score(Signals(E, 0.9, False))[0] > 0.75  # severe and confident: posted without a fix
    assert score(Signals(W, 0.6, False, independent=1))[0] > DEFAULT_THRESHOLD  # ... or confirmed by another tool


def test_a_verified_fix_raises_the_score_and_is_shown() -> None:
    s = verified()
    assert suggestion_ok(s)
    value, terms = score(s)
    assert value > 0.8 and terms["resolves-target"] == scoring.W_RESOLVES_TARGET


def test_bad_fixes_are_never_shown_whatever_the_score() -> None:
    for bad in (
        verified(parses=False),
        verified(applies=False),
        verified(introduces=(I,)),
        verified(noop=True),
        verified(suppression=True),
        verified(target_resolved=False),
        verified(tests_passed=False),
    ):
        assert not suggestion_ok(bad)
        # no credit for a withheld fix: every such fix scores below the same comment without any fix
        assert score(bad)[0] < score(Signals(W, 0.6, False))[0]
        assert "resolves-target" not in score(bad)[1]


def test_severity_of_what_a_fix_introduces_matters() -> None:
    assert score(verified(introduces=(E,)))[0] < score(verified(introduces=(I,)))[0]


def test_smaller_fixes_preferred() -> None:
    assert score(verified(fix_tokens=3))[0] == score(verified(fix_tokens=1))[0]  # a few tokens are free
    assert score(verified(fix_tokens=3))[0] > score(verified(fix_tokens=12))[0] > score(verified(fix_tokens=80))[0]


def test_of_alternatives_the_fix_made_of_the_files_own_code_is_preferred() -> None:
    familiar = score(verified(novel_bigrams=1, least_novel_alternative=3))
    strange = score(verified(novel_bigrams=3, least_novel_alternative=1))
    assert familiar[0] > strange[0]
    assert "less-natural-than-alternatives" not in familiar[1]
    assert strange[1]["less-natural-than-alternatives"] == -2 * scoring.W_NOVEL
    very_strange = score(verified(novel_bigrams=9, least_novel_alternative=1))[1]
    assert very_strange["less-natural-than-alternatives"] == -scoring.MAX_COUNTED * scoring.W_NOVEL  # capped
    # new code is allowed to be new: a fix with no shown alternative is not compared
    assert score(verified(novel_bigrams=9))[0] == score(verified(novel_bigrams=0))[0]
    # a withheld fix earns nothing and is compared with nothing
    assert "less-natural-than-alternatives" not in score(verified(parses=False, novel_bigrams=9,
                                                                  least_novel_alternative=0))[1]


def test_competing_samples_share_their_models_confidence() -> None:
    sure = verified(from_llm=True, target_resolved=None, confidence=0.9)
    unsure = verified(from_llm=True, target_resolved=None, confidence=0.3)
    assert score(sure)[0] > score(unsure)[0]  # alone, a sample's own confidence is its prior
    pooled = {"samples_fix": (1, 2), "samples_confidence": 0.6}
    a, b = score(replace(sure, **pooled)), score(replace(unsure, **pooled))  # type: ignore[arg-type]
    assert a == b and a[1]["confidence"] == round(scoring.W_LLM_CONFIDENCE * scoring.logit(0.6), 3)
    # analyzers' confidence is never pooled
    static = verified(confidence=0.9, **pooled)  # type: ignore[arg-type]
    assert score(static)[1]["confidence"] == round(scoring.W_SELF_STATIC * scoring.logit(0.9), 3)


def test_consensus_terms() -> None:
    # samples agreeing on an LLM fix rank it above a fix only one sample proposes (the fix's own score)
    alone = fix_score(verified(target_resolved=None, from_llm=True, samples_fix=(1, 4)))
    agreed = fix_score(verified(target_resolved=None, from_llm=True, samples_fix=(4, 4)))
    assert alone is not None and agreed is not None and agreed > DEFAULT_THRESHOLD > alone
    # a fix re-analysis verified is not held back by disagreeing samples
    assert score(verified(samples_fix=(1, 4)))[0] == score(verified())[0]
    # ... but a withheld fix is: it is one proposal among several
    assert score(verified(parses=False, samples_fix=(1, 4)))[0] < score(verified(parses=False))[0]
    assert score(verified(cluster_sources=2))[0] > score(verified())[0]


def test_score_is_a_probability_and_terms_sum_to_it() -> None:
    import math

    for s in (Signals(E, 1.0, False, independent=5), verified(introduces=(E, E, E), tests_passed=False)):
        value, terms = score(s)
        assert 0.0 < value < 1.0
        assert math.isclose(value, 1 / (1 + math.exp(-sum(terms.values()))), abs_tol=1e-3)


def test_an_llm_comment_is_not_sunk_by_its_fix() -> None:
    """A right diagnosis with an imperfect patch keeps its score; only the suggestion is withheld."""
    plain = Signals(E, 0.8, True, category="correctness", on_added=True)
    broken = replace(plain, has_fix=True, applies=True, parses=False)
    introduces = replace(plain, has_fix=True, applies=True, parses=True, reanalyzed=True, introduces=(E, E))
    assert score(broken)[0] == score(plain)[0] == score(introduces)[0]
    assert not suggestion_ok(broken) and not suggestion_ok(introduces)
    bad_fix, no_fix = fix_score(broken), fix_score(plain)
    assert no_fix is None and bad_fix is not None and bad_fix < score(plain)[0]


def test_llm_comment_signals() -> None:
    base = Signals(W, 0.7, True, category="correctness", on_added=True)
    # samples agreeing is what a single sample is assumed to be; a comment only one sample makes loses
    assert score(replace(base, samples_flag=(2, 2)))[0] == score(base)[0] > score(replace(base, samples_flag=(1, 2)))[0]
    assert score(replace(base, category="style"))[0] < score(base)[0]
    assert score(replace(base, severity=E))[0] > score(base)[0] > score(replace(base, severity=Severity.INFO))[0]
    assert score(replace(base, confidence=0.9))[0] > score(base)[0]
    assert score(replace(base, independent=1))[0] > score(base)[0]
    # a verified fix that resolves the finding the comment cites is shown, but does not make the comment more right
    resolved = replace(base, has_fix=True, applies=True, parses=True, reanalyzed=True, target_resolved=True, cites=1)
    assert score(resolved)[0] == score(replace(base, cites=1))[0] and suggestion_ok(resolved)
