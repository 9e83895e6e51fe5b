"""Benchmark of the discriminator: does it rank the right fix first, and does it keep wrong fixes off the PR?

    python bench/discriminator.py [--per-class 12] [--seed 7] [--json out.json] [--dump bench/data/discriminator]

The labelled set is generated (fixed seed) from real functions of the running interpreter's standard library and
of installed packages: each function gets one defect from a catalogue (classic logic slips, a security API swap,
the rule pack's `== None` pattern, a mutable default), and each defect gets several candidate fixes: the true fix
(the original line) and plausible wrong ones (a wrong edit, a partial fix, one that introduces a finding, one that
does not parse, a no-op, one that also changes unrelated behaviour). Candidates carry a random self-confidence
(wrong ones sometimes above the true one), and extra samples repeat some candidates (the true one more often,
CodeT's premise) with different layout, so that consensus has something to see; ``--no-duplicates`` removes them.

A candidate is *correct* when its patched file has the same syntax tree as the original file. All candidates of all
defects are judged in one ``Discriminator.judge`` call (one analyzer batch for every variant), then ranked per
defect. Printed: per defect class and overall, top-1 accuracy and mean reciprocal rank of the discriminator, of the
candidates' own confidence order and of a random order, and the share of wrong fixes that would be posted as a
suggestion at the default threshold (per candidate, and per defect after merging: what a PR would show).

Honesty notes (also printed): analyzers see only some defect classes; for the others the discriminator has only
the parse / no-op / size / naturalness / consensus signals, and the consensus signal exists only because of the
sampling model above. The true fix is the original line of a real file, which is written in that file's idiom, so
the naturalness comparison (token pairs found elsewhere in the file) favours it more than it would favour a real
model's right fix over its wrong ones: this generator's wrong edits are cruder than a model's. Run with
``--no-duplicates`` and ``--no-verify`` to see what each part contributes.

This script is the command line; the parts: ``disc_harvest`` (real functions), ``disc_defects`` (the catalogue),
``disc_generate`` (the labelled set), ``disc_runner`` (analyzers and judging), ``disc_report`` (metrics, table, dump).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from disc_defects import CATALOGUE  # noqa: E402
from disc_generate import build  # noqa: E402
from disc_report import dump, evaluate, report  # noqa: E402
from disc_runner import Memo, analyze_instances, candidates_for, judge_all, make_runner  # noqa: E402

from reviewbot.models import SourceFile  # noqa: E402
from reviewbot.discriminator import scoring  # noqa: E402

ANALYZERS = ("bandit", "pylint", "radon", "semgrep")


def run(args: argparse.Namespace) -> dict[str, object]:
    started = time.monotonic()
    instances = build(args.per_class, args.seed, not args.no_duplicates)
    print(f"generated {len(instances)} defects, {sum(len(i.candidates) for i in instances)} LLM-style candidates "
          f"(seed {args.seed}, {len(CATALOGUE)} classes)", flush=True)
    memo = Memo(make_runner(args.analyzers))
    if args.cache and Path(args.cache).is_file():
        memo.cache = pickle.loads(Path(args.cache).read_bytes())
    found, detected = analyze_instances(instances, memo)
    judged = [candidates_for(i, found[i.path], detected[i.path]) for i in instances]
    files = {
        i.path: SourceFile(i.path, i.text, added_lines=frozenset(range(1, len(i.text.splitlines()) + 1)))
        for i in instances
    }
    t = time.monotonic()
    all_findings = [f for fs in found.values() for f in fs]
    judge_all(judged, memo if not args.no_verify else None, files, all_findings, verify=not args.no_verify)
    judge_seconds = time.monotonic() - t
    if args.cache:
        Path(args.cache).write_bytes(pickle.dumps(memo.cache))
    if args.dump:
        dump(Path(args.dump), judged, detected)
    results = evaluate(judged, scoring.DEFAULT_THRESHOLD, args.seed)
    report(results, judged, detected, memo, judge_seconds, time.monotonic() - started, args)
    return {k: {m: s.summary() for m, s in v.items()} for k, v in results.items()}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--per-class", type=int, default=12)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--analyzers", type=lambda s: tuple(x for x in s.split(",") if x), default=ANALYZERS)
    p.add_argument("--no-duplicates", action="store_true", help="no extra samples: consensus sees only singletons")
    p.add_argument("--no-verify", action="store_true", help="no re-analysis of fixes (apply/parse/consensus only)")
    p.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    p.add_argument("--cache", metavar="FILE", help="keep analyzer results by file content in FILE (pickle) across runs")
    p.add_argument("--dump", metavar="DIR", help="write every candidate with its verdict to DIR/candidates.jsonl")
    args = p.parse_args(argv)
    numbers = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(numbers, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
