"""Scores in [0, 1]. Every weight lives here, so the ranking can be read (and tuned) in one place."""

from __future__ import annotations

from reviewbot.models import Candidate, Severity

SEVERITY_WEIGHT = {Severity.ERROR: 1.0, Severity.WARNING: 0.7, Severity.INFO: 0.4}

# prior = W_SEVERITY * severity + W_CONFIDENCE * the source's own confidence
W_SEVERITY = 0.5
W_CONFIDENCE = 0.5


def prior(c: Candidate) -> float:
    """The score before any verification: how bad and how sure the source says it is."""
    return round(W_SEVERITY * SEVERITY_WEIGHT[c.severity] + W_CONFIDENCE * max(0.0, min(1.0, c.confidence)), 4)
