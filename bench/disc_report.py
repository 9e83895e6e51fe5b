"""Discriminator bench: scores the judged set against baselines, prints the table, dumps the candidates."""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from disc_defects import CATALOGUE
from disc_runner import Judged, Memo

from reviewbot.discriminator import scoring
from reviewbot.discriminator.ranking import rank
from reviewbot.models import Comment


def _rr(order: Sequence[int], correct: Sequence[bool]) -> float:
    for r, i in enumerate(order, 1):
        if correct[i]:
            return 1.0 / r
    return 0.0


@dataclass


class Scores:
    top1: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)
    wrong_posted: list[int] = field(default_factory=list)  # per wrong fix candidate: 1 if posted as a suggestion
    wrong_shown_e2e: list[int] = field(default_factory=list)  # per defect: the PR shows a wrong suggestion
    true_shown_e2e: list[int] = field(default_factory=list)  # per defect: the PR shows the true fix

    def add(self, order: Sequence[int], correct: Sequence[bool], posted: Sequence[bool], fix_idx: Sequence[int],
            e2e: tuple[int, int]) -> None:
        o = [i for i in order if i in fix_idx]
        self.top1.append(1.0 if o and correct[o[0]] else 0.0)
        self.rr.append(_rr(o, correct))
        self.wrong_posted += [1 if posted[i] else 0 for i in fix_idx if not correct[i]]
        self.wrong_shown_e2e.append(e2e[0])
        self.true_shown_e2e.append(e2e[1])

    def summary(self) -> dict[str, float]:
        mean = lambda xs: statistics.fmean(xs) if xs else float("nan")
        return {
            "top1": mean(self.top1),
            "mrr": mean(self.rr),
            "wrong_posted": mean(self.wrong_posted),
            "wrong_shown_per_defect": mean(self.wrong_shown_e2e),
            "true_shown_per_defect": mean(self.true_shown_e2e),
            "n": len(self.top1),
        }


def fix_rank(c: Comment) -> float:
    return c.verdict.fix_score if c.verdict is not None and c.verdict.fix_score is not None else c.score


def evaluate(judged: Sequence[Judged], threshold: float, seed: int) -> dict[str, dict[str, Scores]]:
    rng = random.Random(seed + 1)
    out: dict[str, dict[str, Scores]] = defaultdict(lambda: defaultdict(Scores))
    for j in judged:
        fix_idx = [i for i, c in enumerate(j.cands) if c.fix is not None]
        if not any(j.correct[i] for i in fix_idx):
            continue
        tie = {i: rng.random() for i in range(len(j.cands))}
        # discriminator
        # fixes are ranked by their own score (an LLM comment's score no longer depends on its fix)
        order = sorted(range(len(j.cands)), key=lambda i: (-fix_rank(j.comments[i]), tie[i]))
        posted = [j.comments[i].score >= threshold and j.comments[i].suggestion is not None for i in range(len(j.cands))]
        ranked = rank(j.comments, min_score=threshold, max_total=100, max_per_file=100)
        e2e = (0, 0)
        for c in ranked.comments:
            if c.suggestion is not None:
                idx = next(i for i, x in enumerate(j.comments) if x.origin == c.origin)
                e2e = (0, 1) if j.correct[idx] else (1, 0)
        for key in (j.inst.cls, "all"):
            out[key]["discriminator"].add(order, j.correct, posted, fix_idx, e2e)
        # confidence baseline: the candidates' own order; every suggestion at or above the threshold is posted, and
        # the PR shows the most confident one
        corder = sorted(range(len(j.cands)), key=lambda i: (-j.cands[i].confidence, tie[i]))
        cposted = [j.cands[i].confidence >= threshold for i in range(len(j.cands))]
        top = next((i for i in corder if i in fix_idx), None)
        ce2e = (0, 0)
        if top is not None and cposted[top]:
            ce2e = (0, 1) if j.correct[top] else (1, 0)
        for key in (j.inst.cls, "all"):
            out[key]["confidence"].add(corder, j.correct, cposted, fix_idx, ce2e)
        # random order (posting as the confidence baseline), averaged over 50 shuffles
        rs = Scores()
        for _ in range(50):
            rorder = list(range(len(j.cands)))
            rng.shuffle(rorder)
            rs.add(rorder, j.correct, cposted, fix_idx, ce2e)
        for key in (j.inst.cls, "all"):
            out[key]["random"].top1.append(statistics.fmean(rs.top1))
            out[key]["random"].rr.append(statistics.fmean(rs.rr))
    return out


def dump(folder: Path, judged: Sequence[Judged], detected: dict[str, set[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "candidates.jsonl").open("w", encoding="utf-8") as out:
        for j in judged:
            for c, ok, kind, cm in zip(j.cands, j.correct, j.kinds, j.comments):
                out.write(json.dumps({
                    "defect": j.inst.id, "class": j.inst.cls, "source": j.inst.source, "line": j.inst.line,
                    "detected_by": sorted(detected[j.inst.path]), "origin": c.origin, "kind": kind, "correct": ok,
                    "confidence": c.confidence, "replacement": c.fix.replacement if c.fix else None,
                    "score": cm.score, "reason": cm.reason, "suggestion_shown": cm.suggestion is not None,
                    "steps": dict(cm.verdict.steps) if cm.verdict else {},
                }) + "\n")


def report(results: dict[str, dict[str, Scores]], judged: Sequence[Judged], detected: dict[str, set[str]],
           memo: Memo, judge_seconds: float, total: float, args: argparse.Namespace) -> None:
    print(f"analyzers: {', '.join(args.analyzers)}; {memo.calls} analyzer batch call(s) in all, {memo.files} files; "
          f"judging {sum(len(j.cands) for j in judged)} candidates took {judge_seconds:.1f}s; total {total:.1f}s")
    print("last batch: " + ", ".join(f"{s.name} {s.status.value} {s.seconds:.1f}s" for s in memo.statuses))
    print()
    head = (f"{'class':<20} {'n':>3} {'detected':>8}  {'top-1 disc/conf/rand':>21}  {'MRR disc/conf/rand':>19}  "
            f"{'wrong posted disc/conf':>22}  {'PR shows wrong disc/conf':>24}  {'PR shows true':>13}")
    print(head)
    print("-" * len(head))
    classes = [c for c in CATALOGUE if c in results] + ["all"]
    for cls in classes:
        r = results[cls]
        d, c, rnd = r["discriminator"].summary(), r["confidence"].summary(), r["random"].summary()
        insts = [j for j in judged if cls == "all" or j.inst.cls == cls]
        det = sum(1 for j in insts if detected[j.inst.path]) / max(1, len(insts))
        print(f"{cls:<20} {d['n']:>3} {det:>8.0%}  {d['top1']:>6.2f}/{c['top1']:.2f}/{rnd['top1']:.2f}      "
              f"{d['mrr']:>5.2f}/{c['mrr']:.2f}/{rnd['mrr']:.2f}     {d['wrong_posted']:>10.2f}/{c['wrong_posted']:.2f}"
              f"          {d['wrong_shown_per_defect']:>10.2f}/{c['wrong_shown_per_defect']:.2f}"
              f"           {d['true_shown_per_defect']:>5.2f}")
    print()
    kinds: dict[str, list[int]] = defaultdict(list)
    for j in judged:
        for kind, ok, cm, cand in zip(j.kinds, j.correct, j.comments, j.cands):
            if cand.fix is not None:
                kinds["true" if ok else kind].append(1 if (cm.score >= scoring.DEFAULT_THRESHOLD and cm.suggestion)
                                                     else 0)
    print("posted as a suggestion, by kind of candidate: " + ", ".join(
        f"{k} {statistics.fmean(v):.2f} (n={len(v)})" for k, v in sorted(kinds.items())))
    detectors: dict[str, int] = defaultdict(int)
    for origins in detected.values():
        for o in origins:
            detectors[o.split(":")[0]] += 1
    print("defects flagged by: " + (", ".join(f"{k} {v}" for k, v in sorted(detectors.items())) or "nothing"))
    print("note: classes with detected=0% are invisible to the analyzers; there the discriminator ranks by parse,")
    print("no-op, size, naturalness, consensus and confidence only; consensus comes from this generator's sampling")
    print("model, and naturalness favours the true fix because it is the real file's original line.")
    a = results["all"]
    d, c = a["discriminator"].summary(), a["confidence"].summary()
    ratio = c["wrong_shown_per_defect"] / d["wrong_shown_per_defect"] if d["wrong_shown_per_defect"] else float("inf")
    print(f"baselines: confidence top-1={c['top1']:.2f} mrr={c['mrr']:.2f} wrong-posted={c['wrong_posted']:.2f} "
          f"pr-wrong={c['wrong_shown_per_defect']:.2f}; random top-1={a['random'].summary()['top1']:.2f} "
          f"mrr={a['random'].summary()['mrr']:.2f}")
    print(f"top-1={d['top1']:.2f} mrr={d['mrr']:.2f} wrong-posted={d['wrong_posted']:.2f} "
          f"pr-wrong={d['wrong_shown_per_defect']:.2f} pr-true={d['true_shown_per_defect']:.2f} "
          f"(confidence baseline pr-wrong {c['wrong_shown_per_defect']:.2f}: {ratio:.1f}x fewer)")
