"""Fitting the discriminator's LLM-comment weights on the real-change evaluation (train split only).

Every LLM comment reviewbot scored (reported or rejected) in a ``bot:`` run is one example, described by the signals
its verdict records (``verdict.signals``): severity, the model's confidence, how many samples raised the same lines,
analyzer agreement, cited findings, whether the quoted line was exact, whether it sits on changed lines, its
category, whether its fix verified, and the verify prompt's verdict on it (with ``bot:SET*2+V``). Labels follow REAL-EVAL.md: a comment within 3 lines of the ground truth of a
bug change is right; every comment on a control or a clean change is a false alarm; comments on bug changes away
from the fix are left out (they may be right about something else).

The model is an L2-regularised logistic regression fitted by Newton's method (a handful of features; no numpy).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import argparse

from realeval.cases import Built
from realeval.score import Mark, reports, run_system

FEATURES = (
    "error", "info", "confidence", "samples", "agreement", "cites", "quote-moved", "context-only",
    "minor-category", "fix-verified", "recheck-true", "recheck-false", "recheck-uncertain",
)
MINOR = {"style", "documentation", "testing", "maintainability", "complexity"}


@dataclass(frozen=True)
class Example:
    case: str
    split: str
    x: tuple[float, ...]
    y: int


def logit(p: float) -> float:
    p = min(0.95, max(0.05, p))
    return math.log(p / (1 - p))


def features(comment: dict[str, Any]) -> tuple[float, ...] | None:
    s = (comment.get("verdict") or {}).get("signals")
    if not s or not s.get("from_llm"):
        return None
    k, n = s.get("samples_flag", [0, 0])
    return (
        1.0 if s["severity"] == "error" else 0.0,
        1.0 if s["severity"] == "info" else 0.0,
        logit(float(s["confidence"])),
        ((k - 1) / (n - 1) - 1) if n >= 2 else 0.0,
        float(min(2, s.get("independent", 0))),
        1.0 if s.get("cites") else 0.0,
        1.0 if s.get("quote") == "moved" else 0.0,
        1.0 if s.get("on_added") is False else 0.0,
        1.0 if comment.get("category") in MINOR else 0.0,
        1.0 if comment.get("suggestion") else 0.0,
        float(s.get("recheck_confidence", 0.0)) if s.get("recheck") == "true_positive" else 0.0,
        float(s.get("recheck_confidence", 0.0)) if s.get("recheck") == "false_positive" else 0.0,
        1.0 if s.get("recheck") == "uncertain" else 0.0,
    )


def examples(cases: Sequence[Built], reports: dict[str, dict[str, Any]]) -> list[Example]:
    out = []
    for b in cases:
        report = reports.get(b.case.id)
        if report is None:
            continue
        for c in report["comments"] + report["rejected"]:
            x = features(c)
            if x is None:
                continue
            near = Mark(c["path"], c["line"], c.get("end_line") or c["line"], "llm").near(b.truth)
            if b.case.kind == "bug":
                if not near:
                    continue
                y = 1
            else:
                y = 0
            out.append(Example(b.case.id, b.case.split, x, y))
    return out


def fit(data: Sequence[Example], l2: float = 1.0, rounds: int = 50) -> tuple[float, tuple[float, ...]]:
    """(bias, weights) maximising the penalised log-likelihood (the bias is not penalised)."""
    d = len(FEATURES) + 1
    w = [0.0] * d
    rows = [(1.0, *e.x) for e in data]
    for _ in range(rounds):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for row, e in zip(rows, data):
            z = sum(wi * xi for wi, xi in zip(w, row))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            for i in range(d):
                grad[i] += (e.y - p) * row[i]
                for j in range(d):
                    hess[i][j] -= p * (1 - p) * row[i] * row[j]
        for i in range(1, d):
            grad[i] -= l2 * w[i]
            hess[i][i] -= l2
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w[0], tuple(w[1:])


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is small)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        if abs(m[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def describe(bias: float, weights: Sequence[float], data: Sequence[Example]) -> str:
    pos = sum(e.y for e in data)
    lines = [f"{len(data)} LLM comments ({pos} right, {len(data) - pos} false alarms); bias {bias:+.2f}"]
    lines += [f"  {name:<16} {w:+.2f}" for name, w in zip(FEATURES, weights)]
    return "\n".join(lines)


def auc(bias: float, weights: Sequence[float], data: Sequence[Example]) -> float:
    """How often a right comment outscores a false alarm."""
    scored = [(bias + sum(w * x for w, x in zip(weights, e.x)), e.y) for e in data]
    pos = [z for z, y in scored if y]
    neg = [z for z, y in scored if not y]
    if not pos or not neg:
        return float("nan")
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def cmd_fit(args: argparse.Namespace, cases: list[Built]) -> int:
    if not args.system.startswith("bot:"):
        raise SystemExit("fit needs a bot:SET system (its reports carry the signals)")
    run_system(args.system, cases, args.work, args.jobs)
    data = examples(cases, reports(args.system, cases, args.work))
    train = [e for e in data if e.split == "train"]
    held = [e for e in data if e.split == "heldout"]
    bias, weights = fit(train, l2=args.l2)
    print("train:", describe(bias, weights, train))
    print(f"AUC (a right comment above a false alarm): train {auc(bias, weights, train):.2f}, "
          f"heldout {auc(bias, weights, held):.2f} ({len(held)} comments)")
    return 0
