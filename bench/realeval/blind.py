"""Blind answering: dump every case's prompts, hand them out under neutral names, and take the answers back.

``dump`` runs ``reviewbot review --dump-prompts`` on each case repository (the LLM configured as in ``llm.toml``;
no model is called) and copies each prompt file into batch folders as ``p<hash>.txt``: the name says nothing about
the case, its kind or its project, and the bug and the control of one fix never share a batch, so one answerer
never sees both sides. The map from neutral names to (case, request label, replay key) stays outside the batches.

``collect`` reads each batch's ``answers/p<hash>.json``, checks it against the prompt's reply schema, and stores the
answer set in ``answers/<set>.json`` (small JSON, kept in the repository): per case, per request label, the key
of the prompt it answered and the reply text.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from realeval.cases import Built

HERE = Path(__file__).resolve().parent
ANSWERS = HERE / "answers"
CONFIG = HERE / "llm.toml"


def reviewbot_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "reviewbot"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "reviewbot"]


def review_args(b: Built, *extra: str) -> list[str]:
    return [*reviewbot_cmd(), "review", "--base", b.base, "--head", b.head, "--no-merge-base", "-q",
            "--config", str(CONFIG), *extra]


def dump_case(b: Built, dest: Path, *, evidence: bool = True, cache_dir: Path | None = None,
              cassette_path: Path | None = None, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Dump the prompts of one case into ``dest``; returns the dump's index entries. With ``cassette_path`` the
    recorded replies replay and only the prompts without one are dumped (the verify prompts of recorded reviews)."""
    if dest.exists():
        shutil.rmtree(dest)
    args = ["--format", "json", "--dump-prompts", str(dest)]
    if not evidence:
        args.append("--no-evidence")
    if cache_dir is not None:
        args += ["--cache-dir", str(cache_dir)]
    if cassette_path is not None:
        args += ["--llm-cassette", str(cassette_path)]
    proc = subprocess.run(review_args(b, *args), cwd=b.repo, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{b.case.id}: reviewbot exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    index = dest / "index.json"
    return json.loads(index.read_text())["requests"] if index.exists() else []


def neutral(set_name: str, case_id: str, key: str) -> str:
    return "p" + hashlib.sha256(f"{set_name}|{case_id}|{key}".encode()).hexdigest()[:10]


def hand_out(set_name: str, dumps: dict[str, tuple[Built, Path, list[dict[str, Any]]]], out: Path,
             batches: int, seed: int = 7) -> dict[str, Any]:
    """Copy the prompts into ``out/batch-NN/`` and write ``out/map.json`` (kept away from the answerers)."""
    pairs: dict[str, list[str]] = {}
    for case_id, (b, _, _) in dumps.items():
        pairs.setdefault(b.case.pair or case_id, []).append(case_id)
    order = sorted(pairs)
    random.Random(seed).shuffle(order)
    where: dict[str, int] = {}
    for i, pair in enumerate(order):
        for j, case_id in enumerate(sorted(pairs[pair], key=lambda c: dumps[c][0].case.kind)):
            where[case_id] = (i + j * (batches // 2 or 1)) % batches
    mapping: dict[str, Any] = {}
    files: list[list[tuple[str, Path]]] = [[] for _ in range(batches)]
    for case_id, (b, folder, entries) in dumps.items():
        for e in entries:
            name = neutral(set_name, case_id, e["key"])
            mapping[name] = {"case": case_id, "label": e["label"], "key": e["key"], "schema": e["schema"],
                             "n": e["n"], "batch": where[case_id]}
            files[where[case_id]].append((name, folder / e["file"]))
    for i, batch in enumerate(files):
        folder = out / f"batch-{i:02d}"
        (folder / "answers").mkdir(parents=True, exist_ok=True)
        for name, src in sorted(batch):
            shutil.copyfile(src, folder / f"{name}.txt")
    (out / "map.json").write_text(json.dumps(mapping, indent=1) + "\n")
    return mapping


def collect(set_name: str, out: Path, model: str, note: str, sample: int = 1,
            evidence: bool = True) -> tuple[int, list[str]]:
    """Validate the answers under ``out`` and merge them into ``answers/<set>.json``; returns (kept, problems).
    ``evidence``: False when the prompts were dumped with ``--no-evidence`` (the scorer replays them so)."""
    from reviewbot.llm.parse import parse_review, parse_triage

    parsers = {"review_comments": parse_review, "finding_verdicts": parse_triage}
    mapping = json.loads((out / "map.json").read_text())
    target = ANSWERS / f"{set_name}.json"
    data = json.loads(target.read_text()) if target.exists() else {
        "set": set_name, "model": model, "note": note, "evidence": evidence, "answers": {}}
    problems: list[str] = []
    kept = 0
    for name, m in sorted(mapping.items()):
        path = out / f"batch-{m['batch']:02d}" / "answers" / f"{name}.json"
        if not path.exists():
            problems.append(f"{name}: no answer")
            continue
        text = path.read_text(encoding="utf-8").strip()
        parser = parsers.get(m["schema"])
        if parser is not None and not parser(text).usable:
            problems.append(f"{name}: does not fit the {m['schema']} schema: {parser(text).problem}")
            continue
        entries = data["answers"].setdefault(m["case"], [])
        entries[:] = [e for e in entries if not (e["label"] == m["label"] and e.get("sample", 1) == sample)]
        entries.append({"label": m["label"], "key": m["key"], "sample": sample, "text": text})
        kept += 1
    ANSWERS.mkdir(exist_ok=True)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return kept, problems


def write_cassette(path: Path, entries: Iterable[dict[str, Any]], model: str, samples: int = 1) -> Path:
    """``cassette(...)`` written to ``path`` (folders made); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cassette(entries, model, samples)))
    return path


def cassette(entries: Iterable[dict[str, Any]], model: str, samples: int = 1) -> dict[str, Any]:
    """A reviewbot cassette from stored answers (sample 1..``samples`` of each label joined as ``n`` replies when
    the review asks for more than one)."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        if e.get("sample", 1) <= samples:
            by_label.setdefault(e["label"], []).append(e)
    interactions = []
    for label, group in sorted(by_label.items()):
        group.sort(key=lambda e: e.get("sample", 1))
        interactions.append({
            "key": group[0]["key"],
            "label": label,
            "model": model,
            # a review asks for ``samples`` replies; a label with fewer recorded samples replays what there is
            "request": {"n": samples if samples > 1 and label.startswith("review:") else 1},
            "response": {"texts": [e["text"] for e in group] if samples > 1 and label.startswith("review:")
                         else [group[0]["text"]],
                         "prompt_tokens": 0, "completion_tokens": 0, "calls": 1, "estimated": True},
        })
    return {"format": "reviewbot-cassette", "version": 1, "model": model,
            "note": "Built from blind answers (bench/realeval).", "interactions": interactions}
