"""Step 6, *score*: every signal becomes a score in [0, 1]. Every weight lives here (documented in docs/ranking.md).

The score is a logistic model: a prior log-odds from the candidate's severity and its source's own confidence, plus
one log-likelihood-ratio-like term per signal the checks produced, squashed with the logistic function:

    score = 1 / (1 + exp(-z)),   z = BIAS + SEVERITY[sev] + W_SELF[kind] * logit(confidence) + sum(terms)

(for samples of one model that propose competing fixes for the same lines, ``confidence`` is their mean:
``prior_confidence``).

Each term is the weight of a signal (positive: evidence the comment is right and its fix good; negative: against).
Analyzers and samples are noisy voters, not truth (B4), so no single term decides alone, except that a fix which
does not apply, does not parse, changes something outside its target (collateral.py), changes nothing, suppresses,
introduces a finding, leaves its target finding in place, or fails the tests is never shown as a suggestion
(``suggestion_ok``), whatever the score. Such a fix earns no credit, only the penalties of its defects (a collateral
change has none: the comment is scored as if it came without a fix): the comment may still be posted, without the
suggestion, when the rest of the evidence carries it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reviewbot.models import Severity

# ---- prior ----------------------------------------------------------------------------------------------------
BIAS = -0.4
SEVERITY = {Severity.ERROR: 0.7, Severity.WARNING: 0.0, Severity.INFO: -1.8}
# How much a source's self-reported confidence counts: analyzers' levels are set per rule by their authors; an
# LLM's self-grade is the model's opinion of its own homework and counts for less. When several samples of one
# model propose fixes for the same lines, each of them is scored with the samples' mean self-confidence: that is
# the model's confidence that these lines need fixing, while which of the competing fixes is right is left to the
# checks and to the vote among the samples. A sample's verbalised confidence tells its right answers from its wrong
# ones poorly, and agreement among samples does it better (Xiong et al., "Can LLMs express their uncertainty?",
# ICLR 2024; self-consistency, Wang et al. 2023). Fitted on the benchmark's development seeds, whose
# self-confidences are random, a per-sample weight would be 0; pooling gets the same ranking there without
# throwing away what the confidence says about the comment as a whole.
W_SELF_STATIC = 0.6
W_SELF_LLM = 0.35
CONFIDENCE_CLAMP = (0.05, 0.95)

# ---- the fix (steps 1-3, 5) -------------------------------------------------------------------------------------
# A fix with a defect is withheld and only its defects count; the credit below is given to shown fixes only.
W_NOT_APPLIES = -1.0  # the source got the lines wrong
W_NOT_PARSES = -2.0
W_NOOP = -1.5  # the fix changes only layout/comments and resolves nothing
W_SUPPRESSION = -1.5  # the fix only adds a suppression comment (nosec, noqa, pylint: disable, ...)
W_MISSES_TARGET = -1.5  # the finding the candidate is about is still there (a partial fix, or a fix of another)
W_INTRODUCES = -1.5  # per new finding, times INTRODUCED_SEVERITY, at most MAX_COUNTED
INTRODUCED_SEVERITY = {Severity.ERROR: 1.5, Severity.WARNING: 1.0, Severity.INFO: 0.5}
W_TESTS_FAIL = -2.0
# Credit for a shown (verified) fix.
W_RESOLVES_TARGET = 1.6  # the finding the candidate is about is gone in the patched file
W_RESOLVES_OTHER = 0.3  # per further finding that is gone, at most MAX_COUNTED
W_CLEAN = 0.3  # re-analysed: changes the program and introduces nothing
W_TESTS_PASS = 1.0
W_CC_UP = -0.3  # per point of cyclomatic complexity the fix adds to its function, down to -CC_CAP
W_CC_DOWN = 0.1  # per point it removes, up to CC_CAP / 3
CC_CAP = 1.0
# Fix size: changed tokens (inserted + deleted) between the replaced lines and the replacement. Small, targeted
# fixes are preferred: z -= W_SIZE * max(0, log2(1 + tokens) - FREE_SIZE_BITS). There is no longer a term
# preferring the smallest of several verified fixes: the changed-token count measures poorly how much a fix changes
# the program (`x != None` -> `x is not None` is one token more than the wrong `x is None`; `pass` -> `return None`
# is smaller than the handling that was removed). With the naturalness term below in place, that term only ever
# changed the top fix to a wrong one on the development seeds (5 of 408 defects, none the other way).
W_SIZE = 0.25
FREE_SIZE_BITS = 2.0  # up to 3 changed tokens cost nothing
# Naturalness (naturalness.py): among shown fixes for the same lines, per token bigram the fix brings in that occurs
# nowhere else in the file, beyond the alternative that brings in the fewest, z -= W_NOVEL (at most MAX_COUNTED
# counted). Not held against a fix that has no shown alternative. 0.5 was the best of 0.3 / 0.5 / 0.8 on the
# development seeds (top-1 0.85 / 0.88 / 0.86).
W_NOVEL = 0.5
MAX_COUNTED = 2

# ---- consensus and agreement (step 4) ---------------------------------------------------------------------------
W_AGREEMENT = 0.8  # per other independent source flagging the same lines or confirming the finding, at most 2
W_CLUSTER_SOURCES = 0.6  # per other independent source proposing an equivalent (shown) fix, at most 2
# Samples of one model (n >= 2 drawn), k of which propose an equivalent fix. Read as a likelihood ratio (B4): if the
# fix is right the model proposes it often, if wrong rarely, so each further agreeing sample multiplies the odds
# (+W_SAMPLE_AGREE) and each sample proposing something else divides them (-W_SAMPLE_DISAGREE); the weights are
# halved log-ratios (p = 0.5 vs q = 0.1) because samples of one model are not independent. Where re-analysis has
# confirmed that the fix resolves its target, only agreement counts. Capped at +-SAMPLES_CAP.
W_SAMPLE_AGREE = 0.8
W_SAMPLE_DISAGREE = 0.3
SAMPLES_CAP = 2.0
# Comments: k of n samples raising the same lines, W * (2 k / n - 1): -W when only this sample does, +W when all do.
W_SAMPLES_FLAG = 0.5

DEFAULT_THRESHOLD = 0.5  # FileSettings.min_score

# ---- LLM comments ------------------------------------------------------------------------------------------------
# Whether an LLM comment is posted is decided by what holds for real model output, measured on the real-change
# evaluation (bench/real_eval.py; docs/quality.md): the model's severity and confidence,
# whether its other samples raise the same lines, analyzer agreement, and the comment's category. Its suggested fix
# does not decide: a fix that fails verification is withheld (the reason line says why) and the comment stands on
# its own signals; a fix that verifiably resolves the finding the comment cites is shown but adds nothing (a fix
# that silences a linter is not evidence that the comment matters; counting it posted a triaged unused variable
# in a test at 0.96).
# The fix checks of the first design sank about half of the right comments on real changes (issue 13).
# Fitted on the train split (logistic regression of right comments near a real bug against every comment on a
# correct fix or a clean merged change, then the bias set so that a control's near-fix alarm stays at or below 0.15):
# confidence carries most of the signal; samples of one model agreed on almost every comment (so agreement is
# neutral and a comment only one sample makes loses W_LLM_SAMPLES); whether the quoted line was where the model said,
# citing a finding and being about unchanged lines fitted to about 0 and are shown, not scored.
LLM_BIAS = -0.6
LLM_SEVERITY = {Severity.ERROR: 1.0, Severity.WARNING: 0.0, Severity.INFO: -2.0}
W_LLM_CONFIDENCE = 1.0
W_LLM_SAMPLES = 1.0  # k of n samples raise these lines: 0 when all do, -W when only this one does
W_LLM_AGREEMENT = 0.8  # per analyzer flagging the same lines, at most MAX_COUNTED
W_LLM_MINOR = -1.0  # style, documentation, testing, maintainability, complexity: rarely what a reviewer must hear
# A comment the verify prompt judged is scored by the model fitted with that verdict (real-change evaluation, train
# split): the unchecked terms shrink to W_CHECKED_PRIOR of their weight, the verdict carries the rest (right and
# wrong times the verdict's confidence); CHECKED_BIAS puts min-score 0.5 where 0.7 was on train.
W_CHECKED_PRIOR = 0.26
CHECKED_BIAS = -1.82
W_RECHECK = {"true_positive": 2.17, "false_positive": -0.29, "uncertain": 0.75}
MINOR_CATEGORIES = frozenset({"style", "documentation", "testing", "maintainability", "complexity"})


@dataclass(frozen=True)
class Signals:
    """What the checks found out about one candidate (None: not checked / not known)."""

    severity: Severity
    confidence: float
    from_llm: bool
    has_fix: bool = False
    applies: bool | None = None
    parses: bool | None = None
    collateral: bool = False  # the fix changes a string literal, a comment or code outside its target
    noop: bool = False
    suppression: bool = False
    reanalyzed: bool = False
    target_resolved: bool | None = None  # None: no target finding known, or not reproduced by re-analysis
    resolves_other: int = 0
    introduces: tuple[Severity, ...] = ()
    complexity_delta: float | None = None
    fix_tokens: int = 0
    novel_bigrams: int = 0  # token bigrams of the fix found nowhere else in the file
    least_novel_alternative: int | None = None  # ... of the other shown fix for the same lines with the fewest
    independent: int = 0  # other independent sources flagging the same lines
    cluster_sources: int = 1  # independent sources proposing an equivalent fix (incl. this one)
    samples_fix: tuple[int, int] = (0, 0)  # (k samples proposing an equivalent fix, n proposing any fix here)
    samples_flag: tuple[int, int] = (0, 0)  # (k, n)
    samples_confidence: float | None = None  # mean self-confidence of the model's samples fixing these lines
    tests_passed: bool | None = None
    # LLM comments (see llm_terms)
    quote: str = ""  # "exact", "moved" (re-anchored to the quoted line) or "" (no quote)
    on_added: bool | None = None  # the comment's lines include a line the change adds (None: unknown)
    cites: int = 0  # analyzer findings the comment rests on
    category: str = ""
    recheck: str = ""  # the verify prompt's verdict on this comment ("" when not checked)
    recheck_confidence: float = 0.0


def logit(p: float) -> float:
    lo, hi = CONFIDENCE_CLAMP
    p = min(hi, max(lo, p))
    return math.log(p / (1 - p))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def suggestion_ok(s: Signals) -> bool:
    """Whether the fix may be shown as a suggestion (independent of the score)."""
    return (
        s.has_fix
        and s.applies is True
        and s.parses is True
        and not s.collateral
        and not s.noop
        and not s.suppression
        and not s.introduces
        and s.target_resolved is not False
        and s.tests_passed is not False
    )


def prior_confidence(s: Signals) -> float:
    """The self-confidence the prior uses: the candidate's own, or for a sample whose model proposed several fixes
    for these lines, the mean over those samples (see W_SELF_LLM)."""
    if s.from_llm and s.samples_fix[1] >= 2 and s.samples_confidence is not None:
        return s.samples_confidence
    return s.confidence


def _samples(weight: float, kn: tuple[int, int]) -> float:
    k, n = kn
    return weight * (2 * k / n - 1) if n >= 2 else 0.0


def _samples_fix(kn: tuple[int, int], *, shown: bool, verified: bool) -> float:
    """Agreeing samples count for a shown fix; samples proposing something else count against any fix that
    nothing else verified (a withheld fix included: it is one proposal among several)."""
    k, n = kn
    if n < 2 or k < 1:
        return 0.0
    value = (W_SAMPLE_AGREE * (k - 1) if shown else 0.0) - (0.0 if verified else W_SAMPLE_DISAGREE * (n - k))
    return max(-SAMPLES_CAP, min(SAMPLES_CAP, value))


def terms(s: Signals) -> dict[str, float]:
    """Every non-zero contribution to z, by name (shown in the JSON report)."""
    w_self = W_SELF_LLM if s.from_llm else W_SELF_STATIC
    t: dict[str, float] = {
        "bias": BIAS,
        "severity": SEVERITY[s.severity],
        "confidence": w_self * logit(prior_confidence(s)),
    }
    if s.has_fix and not suggestion_ok(s):
        if s.applies is False:
            t["not-applies"] = W_NOT_APPLIES
        if s.parses is False:
            t["not-parses"] = W_NOT_PARSES
        if s.noop:
            t["no-op"] = W_NOOP
        if s.suppression:
            t["suppression"] = W_SUPPRESSION
        if s.target_resolved is False:
            t["misses-target"] = W_MISSES_TARGET
        if s.introduces:
            worst = sorted((INTRODUCED_SEVERITY[x] for x in s.introduces), reverse=True)[:MAX_COUNTED]
            t["introduces"] = W_INTRODUCES * sum(worst)
        if s.tests_passed is False:
            t["tests"] = W_TESTS_FAIL
        if s.samples_fix[1] >= 2:
            t["samples-fix"] = _samples_fix(s.samples_fix, shown=False, verified=False)
    elif s.has_fix:
        if s.target_resolved is True:
            t["resolves-target"] = W_RESOLVES_TARGET
        if s.resolves_other:
            t["resolves-other"] = W_RESOLVES_OTHER * min(MAX_COUNTED, s.resolves_other)
        if s.reanalyzed:
            t["clean"] = W_CLEAN
        if s.complexity_delta:
            if s.complexity_delta > 0:
                t["complexity"] = max(-CC_CAP, W_CC_UP * s.complexity_delta)
            else:
                t["complexity"] = min(CC_CAP / 3, -W_CC_DOWN * s.complexity_delta)
        bits = math.log2(1 + s.fix_tokens) - FREE_SIZE_BITS
        if bits > 0:
            t["size"] = -W_SIZE * bits
        if s.least_novel_alternative is not None and s.novel_bigrams > s.least_novel_alternative:
            t["less-natural-than-alternatives"] = -W_NOVEL * min(
                MAX_COUNTED, s.novel_bigrams - s.least_novel_alternative
            )
        if s.tests_passed is True:
            t["tests"] = W_TESTS_PASS
        if s.cluster_sources > 1:
            t["equivalent-fixes"] = W_CLUSTER_SOURCES * min(MAX_COUNTED, s.cluster_sources - 1)
        if s.samples_fix[1] >= 2:
            t["samples-fix"] = _samples_fix(s.samples_fix, shown=True, verified=s.target_resolved is True)
    if s.independent:
        t["agreement"] = W_AGREEMENT * min(MAX_COUNTED, s.independent)
    if s.samples_flag[1] >= 2:
        t["samples-flag"] = _samples(W_SAMPLES_FLAG, s.samples_flag)
    return {k: round(v, 3) for k, v in t.items() if v}


def llm_terms(s: Signals) -> dict[str, float]:
    """The terms of an LLM comment's score (see LLM_BIAS). Its fix does not count: a fix that makes the finding the
    comment cites go away shows the fix is coherent, not that the comment is right (it decides only whether the
    suggestion is shown)."""
    k, n = s.samples_flag
    t: dict[str, float] = {
        "bias": LLM_BIAS,
        "severity": LLM_SEVERITY[s.severity],
        "confidence": W_LLM_CONFIDENCE * logit(prior_confidence(s)),
    }
    if n >= 2:
        t["samples"] = W_LLM_SAMPLES * ((k - 1) / (n - 1) - 1)
    if s.independent:
        t["agreement"] = W_LLM_AGREEMENT * min(MAX_COUNTED, s.independent)
    if s.category in MINOR_CATEGORIES:
        t["minor-category"] = W_LLM_MINOR
    if s.recheck in W_RECHECK:
        t = {k: W_CHECKED_PRIOR * v for k, v in t.items()}
        scale = 1.0 if s.recheck == "uncertain" else s.recheck_confidence
        t["checked-bias"] = CHECKED_BIAS
        t["second-look"] = W_RECHECK[s.recheck] * scale
    return {k: round(v, 3) for k, v in t.items() if v}


def score(s: Signals) -> tuple[float, dict[str, float]]:
    """The score in [0, 1] and the terms it is made of (an LLM comment's: llm_terms)."""
    t = llm_terms(s) if s.from_llm else terms(s)
    return round(sigmoid(sum(t.values())), 4), t


def fix_score(s: Signals) -> float | None:
    """How good an LLM candidate's fix is (the first design's terms, fitted on generated fixes): ranks competing
    fixes for the same lines. None without a fix."""
    return round(sigmoid(sum(terms(s).values())), 4) if s.from_llm and s.has_fix else None
