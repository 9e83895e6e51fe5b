"""Scoring the real-change evaluation: run each system on every case and print REAL-EVAL.md's metrics side by side.

Systems (columns):

- ``static``: reviewbot without a model;
- ``raw:SET``: every comment of answer set SET (sample 1) where the model put it, nothing filtered;
- ``bot:SET``: reviewbot replaying SET's answers through its discriminator (``bot:SET*2``: two samples per prompt,
  so sample agreement counts); the code of this checkout;
- ``frozen:NAME``: results recorded earlier with ``score --freeze NAME SYSTEM`` (``results/NAME.json``), for
  example the discriminator before recalibration.

A case is found (recall@±3) when a comment lies within 3 lines of a ground-truth line of the same file. Runs are
cached under the work folder, keyed by the answers and the source of reviewbot, so re-scoring is quick.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from realeval import audit, blind
from realeval.cases import Built

SLACK = 3
ROOT = blind.HERE.parent.parent
RESULTS = blind.HERE / "results"


@dataclass(frozen=True)
class Mark:
    """One reported comment, reduced to what the metrics need."""

    path: str
    line: int
    end: int
    origin: str  # "llm" or the analyzer
    severity: str = ""
    score: float | None = None
    key: str = ""  # the start of the comment's text (audit.text_key), to find its clean-change audit label

    def near(self, truth: dict[str, list[int]]) -> bool:
        return any(self.line - SLACK <= t <= self.end + SLACK for t in truth.get(self.path, ()))


# ---- systems -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BotSpec:
    """``bot:SET[*K][+VSET]``: review answers SET with K samples per prompt; with ``+VSET`` the verify step is on and
    its prompts are answered from set VSET."""

    review: str
    samples: int = 1
    verify: str = ""

    @property
    def tag(self) -> str:
        return f"bot-{self.review}x{self.samples}" + (f"+{self.verify}" if self.verify else "")

    def env(self) -> dict[str, str]:
        env = {"REVIEWBOT_LLM_SAMPLES": str(self.samples)} if self.samples > 1 else {}
        if self.verify:
            env["REVIEWBOT_LLM_VERIFY"] = "true"
        return env


def bot_spec(arg: str) -> BotSpec:
    head, _, verify = arg.partition("+")
    review, _, k = head.partition("*")
    return BotSpec(review, int(k or 1), verify)


def merged_answers(spec: BotSpec) -> dict[str, list[dict[str, Any]]]:
    """Per case, the review answers of the spec's set and, with a verify set, its answers."""
    got: dict[str, list[dict[str, Any]]] = {c: list(v) for c, v in answers(spec.review)["answers"].items()}
    if spec.verify:
        for case, entries in answers(spec.verify)["answers"].items():
            got.setdefault(case, []).extend(entries)
    return got


def answers(set_name: str) -> dict[str, Any]:
    path = blind.ANSWERS / f"{set_name}.json"
    if not path.exists():
        raise SystemExit(f"{path}: no such answer set (collect it first)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def raw_marks(entries: Iterable[dict[str, Any]]) -> list[Mark]:
    out = []
    for e in entries:
        if e.get("sample", 1) != 1 or not e["label"].startswith("review:"):
            continue
        try:
            reply = json.loads(e["text"])
        except ValueError:
            continue
        for c in reply.get("comments", []) if isinstance(reply, dict) else []:
            try:
                start = int(c["start_line"])
                end = max(start, int(c.get("end_line") or start))
            except (KeyError, TypeError, ValueError):
                continue
            out.append(Mark(str(c.get("path", "")), start, end, "llm", str(c.get("severity", "")),
                            key=audit.text_key(str(c.get("body") or ""))))
    return out


def _source_digest() -> str:
    h = hashlib.sha256()
    for folder in ("reviewbot", "prompts", "rules", "analyzers"):
        for p in sorted((ROOT / folder).rglob("*")):
            if p.is_file() and p.suffix in (".py", ".j2", ".yaml", ".yml", ".toml", ".json", ".txt"):
                h.update(str(p.relative_to(ROOT)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _run_reviewbot(b: Built, extra: Sequence[str], env: dict[str, str], out: Path) -> dict[str, Any]:
    if out.exists():
        cached: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return cached
    proc = subprocess.run(blind.review_args(b, "--format", "json", *extra), cwd=b.repo, capture_output=True,
                          text=True, env={**os.environ, **env})
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{b.case.id}: reviewbot exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    report: dict[str, Any] = json.loads(proc.stdout)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report), encoding="utf-8")
    return report


def report_marks(report: dict[str, Any]) -> list[Mark]:
    return [Mark(c["path"], c["line"], c.get("end_line") or c["line"],
                 "llm" if c["origin"].startswith("llm:") else c["origin"], c["severity"], c.get("score"),
                 audit.text_key(c.get("body", "")))
            for c in report["comments"]]


def run_system(system: str, cases: Sequence[Built], work: Path, jobs: int = 2) -> dict[str, list[Mark]]:
    """Per case id, the comments ``system`` reports."""
    kind, _, arg = system.partition(":")
    if kind == "frozen":
        data = json.loads((RESULTS / f"{arg}.json").read_text(encoding="utf-8"))
        return {cid: [Mark(**m) for m in marks] for cid, marks in data["cases"].items()}
    if kind == "raw":
        got = answers(arg)["answers"]
        return {b.case.id: raw_marks(got.get(b.case.id, [])) for b in cases}
    if kind == "static":
        env = {"REVIEWBOT_LLM_PROVIDER": "none"}
        tag, extra, build = "static", [], None
    elif kind == "bot":
        spec = bot_spec(arg)
        data = answers(spec.review)
        got = merged_answers(spec)
        env = spec.env()
        extra = [] if data.get("evidence", True) else ["--no-evidence"]
        digest = hashlib.sha256(json.dumps(got, sort_keys=True).encode()).hexdigest()[:10]
        tag = f"{spec.tag}-{digest}"

        def build(b: Built) -> list[str]:
            path = blind.write_cassette(work / "cassettes" / tag / f"{b.case.id}.json", got.get(b.case.id, []),
                                        data["model"], spec.samples)
            return ["--llm-cassette", str(path)]
    else:
        raise SystemExit(f"unknown system {system!r} (static, raw:SET, bot:SET, bot:SET*2, frozen:NAME)")
    folder = work / "runs" / f"{tag}-{_source_digest()}"

    def one(b: Built) -> tuple[str, list[Mark]]:
        more = build(b) if build else []
        report = _run_reviewbot(b, [*extra, *more, "--cache-dir", str(work / "cache")], env,
                                folder / f"{b.case.id}.json")
        return b.case.id, report_marks(report)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(pool.map(one, cases))


def reports(system: str, cases: Sequence[Built], work: Path) -> dict[str, dict[str, Any]]:
    """The full JSON reports of a ``bot:`` or ``static`` system (run first with run_system)."""
    folders = sorted((work / "runs").glob("*"), key=lambda p: p.stat().st_mtime)
    kind, _, arg = system.partition(":")
    prefix = "static-" if kind == "static" else f"{bot_spec(arg).tag}-"
    folder = [f for f in folders if f.name.startswith(prefix) and f.name.endswith(_source_digest())][-1]
    return {b.case.id: json.loads((folder / f"{b.case.id}.json").read_text()) for b in cases}


# ---- metrics -------------------------------------------------------------------------------------------------------

def metrics(cases: Sequence[Built], marks: dict[str, list[Mark]],
            labels: dict[str, list[audit.Label]] | None = None) -> dict[str, float]:
    """REAL-EVAL.md's metrics; with ``labels`` (the clean-change audit) also the clean alarm counting only the
    comments a maintainer would not have wanted."""
    by_kind: dict[str, list[Built]] = {}
    for b in cases:
        by_kind.setdefault(b.case.kind, []).append(b)
    bugs, controls, cleans = by_kind.get("bug", []), by_kind.get("control", []), by_kind.get("clean", [])

    def share(group: list[Built], hit: Any) -> float:
        return sum(1 for b in group if hit(b)) / len(group) if group else float("nan")

    bug_marks = [m for b in bugs for m in marks.get(b.case.id, [])]
    near = sum(1 for b in bugs for m in marks.get(b.case.id, []) if m.near(b.truth))
    recall = share(bugs, lambda b: any(m.near(b.truth) for m in marks.get(b.case.id, [])))
    alarm = share(controls, lambda b: any(m.near(b.truth) for m in marks.get(b.case.id, [])))
    clean_added = sum(b.added_lines for b in cleans)
    clean_comments = sum(len(marks.get(b.case.id, [])) for b in cleans)
    out = {
        "bug changes": len(bugs),
        "recall@±3": recall,
        "localisation precision": near / len(bug_marks) if bug_marks else float("nan"),
        "comments per bug change": len(bug_marks) / len(bugs) if bugs else float("nan"),
        "control near-fix alarm": alarm,
        "signal (recall - alarm)": recall - alarm,
        "comments per control": (sum(len(marks.get(b.case.id, [])) for b in controls) / len(controls)
                                 if controls else float("nan")),
        "clean alarm": share(cleans, lambda b: bool(marks.get(b.case.id))),
        "comments per clean change": clean_comments / len(cleans) if cleans else float("nan"),
        "comments per 1k added lines (clean)": 1000 * clean_comments / clean_added if clean_added else float("nan"),
    }
    if labels:
        def noise(b: Built) -> list[Mark]:
            got = labels.get(b.case.id, [])
            return [m for m in marks.get(b.case.id, []) if not audit.wanted(got, m.path, m.line, m.end, m.key)]

        noisy = sum(len(noise(b)) for b in cleans)
        out["clean alarm, audited"] = share(cleans, lambda b: bool(noise(b)))
        out["noise per 1k added lines (clean, audited)"] = 1000 * noisy / clean_added if clean_added else float("nan")
    return out


def table(columns: dict[str, dict[str, float]]) -> str:
    names = list(next(iter(columns.values())))
    width = max(len(n) for n in names)
    heads = list(columns)
    lines = [" " * width + "".join(f"  {h:>14}" for h in heads)]
    for n in names:
        cells = []
        for h in heads:
            v = columns[h][n]
            cells.append(f"  {v:>14.0f}" if n == "bug changes" else f"  {v:>14.2f}")
        lines.append(f"{n:<{width}}" + "".join(cells))
    return "\n".join(lines)


def freeze(name: str, system: str, marks: dict[str, list[Mark]]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({
        "system": system, "commit": commit, "source": _source_digest(),
        "cases": {cid: [m.__dict__ for m in ms] for cid, ms in sorted(marks.items())},
    }, indent=None, separators=(",", ":")) + "\n")
    return path


def cmd_score(args: argparse.Namespace, cases: list[Built]) -> int:
    if not cases:
        print("no case repositories (fetch the snapshots first); nothing scored", file=sys.stderr)
        return 0
    systems = args.sets or ["static"]
    results = {s: run_system(s, cases, args.work, args.jobs) for s in systems}
    if args.freeze:
        path = freeze(args.freeze, systems[0], results[systems[0]])
        print(f"froze {systems[0]} as {path}")
    labels = audit.load()
    splits = ["train", "heldout"] if args.split == "both" else [args.split]
    for split in splits:
        chosen = [b for b in cases if split == "all" or b.case.split == split]
        print(f"\n== {split}: {len(chosen)} changes ==")
        print(table({s: metrics(chosen, results[s], labels) for s in systems}))
    return 0


# ---- evidence ablation ------------------------------------------------------------------------------------------

KINDS = {
    "findings near the change": "Findings in or near the changed lines:",
    "changed signatures": "Changed signatures:",
    "call sites": "Call sites of functions whose signature changed:",
    "complexity that rose": "Complexity that rose (radon):",
    "callee definitions": "Defined elsewhere in this file and called by the changed lines:",
}


def prompt_texts(work: Path, set_name: str, case_id: str) -> list[str]:
    folder = work / "dumps" / set_name / case_id
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def ablation(cases: Sequence[Built], work: Path, with_set: str, without_set: str) -> str:
    """Per kind of evidence: on the changes whose prompts carry it, the raw model with and without the evidence."""
    marks_with = run_system(f"raw:{with_set}", cases, work)
    marks_without = run_system(f"raw:{without_set}", cases, work)
    present: dict[str, list[Built]] = {"all changes": list(cases), "any evidence": []}
    tokens = {"with": 0, "without": 0}
    for b in cases:
        texts = prompt_texts(work, with_set, b.case.id)
        tokens["with"] += sum(len(t) for t in texts) // 4
        tokens["without"] += sum(len(t) for t in prompt_texts(work, without_set, b.case.id)) // 4
        joined = "\n".join(texts)
        if "<<<BEGIN DATA" in joined and "analyzer evidence for" in joined:
            present["any evidence"].append(b)
        for kind, marker in KINDS.items():
            if marker in joined:
                present.setdefault(kind, []).append(b)
    rows = [f"{'evidence kind':<26} {'changes':>7} {'bugs found':>14} {'control alarm':>14} {'clean alarm':>12}"]
    for kind, group in present.items():
        m_w, m_wo = metrics(group, marks_with), metrics(group, marks_without)
        bugs = sum(1 for b in group if b.case.kind == "bug")
        found_w = round(m_w["recall@±3"] * bugs) if bugs else 0
        found_wo = round(m_wo["recall@±3"] * bugs) if bugs else 0

        def pair(a: float, b: float) -> str:
            return "-" if a != a else f"{a:.2f} / {b:.2f}"

        rows.append(f"{kind:<26} {len(group):>7} {f'{found_w} / {found_wo} of {bugs}':>14} "
                    f"{pair(m_w['control near-fix alarm'], m_wo['control near-fix alarm']):>14} "
                    f"{pair(m_w['clean alarm'], m_wo['clean alarm']):>12}")
    rows.append(f"prompt tokens (chars/4), all changes: {tokens['with']} with evidence, {tokens['without']} without "
                f"({tokens['with'] / max(1, tokens['without']):.2f}x)")
    return "\n".join(rows)
