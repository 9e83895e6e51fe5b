"""The real-change evaluation (REAL-EVAL.md in the project's shared docs; docs/quality.md).

    python bench/real_eval.py build                       # build the 200 case repositories from the snapshots
    python bench/real_eval.py dump SET OUT [--no-evidence] [--batches N] [--cases train|heldout|all]
    python bench/real_eval.py dump V OUT --replay 'C*2'   # the verify prompts of set C's recorded reviews
    python bench/real_eval.py collect SET OUT --model M [--sample K]
    python bench/real_eval.py ablation C N                  # per kind of evidence: answers with (C) and without (N)
    python bench/real_eval.py fit bot:SET*2                # fit the LLM-comment weights on the train split
    python bench/real_eval.py score [SYSTEM ...] [--split both|heldout|train|all] [--freeze NAME]
                                                          # SYSTEM: static, raw:SET, bot:SET, bot:SET*2,
                                                          # bot:SET*2+V (verify answers V), frozen:NAME

Snapshots of the case projects are read from $REVIEWBOT_SNAPSHOTS (default /work/.mirror; layout owner+name/repo,
as the `fetch` tool brings them). When one is absent, its cases are skipped with a message; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realeval import blind  # noqa: E402
from realeval.cases import DEFAULT_SNAPSHOTS, Built, build, load_cases, snapshot  # noqa: E402

WORK = Path.home() / ".cache" / "reviewbot-realeval"


def built_cases(args: argparse.Namespace) -> list[Built]:
    snaps, cases = load_cases()
    if getattr(args, "cases", "all") != "all":
        cases = [c for c in cases if c.split == args.cases]
    out: list[Built] = []
    missing: set[str] = set()
    for case in cases:
        snap = snapshot(snaps[case.project], args.snapshots)
        if snap is None:
            missing.add(snaps[case.project])
            continue
        out.append(build(case, snap, args.work / "repos"))
    for slug in sorted(missing):
        print(f"skipped: no snapshot of {slug} under {args.snapshots} (fetch it first)", file=sys.stderr)
    return out


def cmd_build(args: argparse.Namespace) -> int:
    started = time.monotonic()
    cases = built_cases(args)
    kinds: dict[str, int] = {}
    for b in cases:
        kinds[b.case.kind] = kinds.get(b.case.kind, 0) + 1
    print(f"built {len(cases)} case repositories under {args.work / 'repos'} in {time.monotonic() - started:.0f} s:",
          ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    return 0 if cases else 2


def cmd_dump(args: argparse.Namespace) -> int:
    cases = built_cases(args)
    dumps: dict[str, tuple[Built, Path, list[dict[str, Any]]]] = {}
    spec = got = None
    if args.replay:  # the verify prompts: replay the reviews of a recorded set, dump what has no reply
        from realeval.score import answers, bot_spec, merged_answers

        spec = bot_spec(args.replay)
        got, model = merged_answers(spec), answers(spec.review)["model"]

    def one(b: Built) -> tuple[str, tuple[Built, Path, list[dict[str, Any]]]]:
        folder = args.work / "dumps" / args.set / b.case.id
        if args.resume and (folder / "index.json").exists():  # dumped by an interrupted run
            done = json.loads((folder / "index.json").read_text())["requests"]
            return b.case.id, (b, folder, [e for e in done if spec is None or e["label"].startswith("verify:")])
        cassette_path, env = None, None
        if spec is not None and got is not None:
            cassette_path = blind.write_cassette(args.work / "cassettes" / f"dump-{args.set}" / f"{b.case.id}.json",
                                                 got.get(b.case.id, []), model, spec.samples)
            # the ranking is not needed to dump: no re-analysis of the suggestions
            env = {**spec.env(), "REVIEWBOT_LLM_VERIFY": "true", "REVIEWBOT_VERIFY": "false"}
        entries = blind.dump_case(b, folder, evidence=not args.no_evidence, cache_dir=args.work / "cache",
                                  cassette_path=cassette_path, env=env)
        if spec is not None:
            entries = [e for e in entries if e["label"].startswith("verify:")]
        return b.case.id, (b, folder, entries)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for i, (case_id, done) in enumerate(pool.map(one, cases), 1):
            dumps[case_id] = done
            print(f"[{i}/{len(cases)}] {case_id}: {len(done[2])} prompt(s)", file=sys.stderr)
    mapping = blind.hand_out(args.set, dumps, args.out, args.batches)
    print(f"{len(mapping)} prompts in {args.batches} batches under {args.out}")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    kept, problems = blind.collect(args.set, args.out, args.model, args.note, args.sample,
                                   evidence=not args.no_evidence)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{kept} answers kept in {blind.ANSWERS / (args.set + '.json')}, {len(problems)} problem(s)")
    return 0 if not problems else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshots", type=Path, default=DEFAULT_SNAPSHOTS)
    parser.add_argument("--work", type=Path, default=WORK, help="case repositories, dumps and caches")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build")
    d = sub.add_parser("dump")
    d.add_argument("set")
    d.add_argument("out", type=Path)
    d.add_argument("--no-evidence", action="store_true")
    d.add_argument("--batches", type=int, default=8)
    d.add_argument("--cases", choices=("train", "heldout", "all"), default="all")
    d.add_argument("--jobs", type=int, default=2)
    d.add_argument("--resume", action="store_true", help="keep the cases an interrupted dump finished")
    d.add_argument("--replay", metavar="SET*K", help="replay this answer set's reviews and dump the verify prompts")
    c = sub.add_parser("collect")
    c.add_argument("set")
    c.add_argument("out", type=Path)
    c.add_argument("--model", required=True)
    c.add_argument("--note", default="")
    c.add_argument("--sample", type=int, default=1)
    c.add_argument("--no-evidence", action="store_true", help="the prompts were dumped with --no-evidence")
    s = sub.add_parser("score")
    s.add_argument("sets", nargs="*")
    s.add_argument("--split", choices=("train", "heldout", "all", "both"), default="both")
    s.add_argument("--jobs", type=int, default=2)
    s.add_argument("--freeze", metavar="NAME", help="store the first system's results as results/NAME.json")
    f = sub.add_parser("fit", help="fit the LLM-comment weights on the train split of a bot: system")
    f.add_argument("system")
    f.add_argument("--l2", type=float, default=1.0)
    f.add_argument("--jobs", type=int, default=2)
    a = sub.add_parser("ablation", help="per kind of evidence: the raw model with and without it")
    a.add_argument("with_set")
    a.add_argument("without_set")
    args = parser.parse_args(argv)
    if args.cmd == "ablation":
        from realeval.score import ablation

        print(ablation(built_cases(args), args.work, args.with_set, args.without_set))
        return 0
    if args.cmd == "fit":
        from realeval.fit import cmd_fit

        return cmd_fit(args, built_cases(args))
    if args.cmd == "score":
        from realeval.score import cmd_score

        return cmd_score(args, built_cases(args))
    return {"build": cmd_build, "dump": cmd_dump, "collect": cmd_collect}[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
