"""What the LLM stage costs: calls, prompt/completion tokens, and tokens per changed line.

Scenarios (no model is needed for any of them):

- the demo patch replayed from ``examples/demo.cassette.json`` (token counts as recorded; the demo cassette is
  hand-written, so its counts are chars/4 estimates);
- the demo patch with ``--dump-prompts`` (the prompts are written, their size estimated; nothing is called);
- a generated 50-file diff with ``--dump-prompts`` (how planning, grouping and the budget scale).

    python bench/llm.py                    # all three, analyzers as configured for the demo, none for the 50 files
    python bench/llm.py --files 200        # a bigger generated diff
    python bench/llm.py --analyzers        # also run the analyzers on the generated diff (slower)
    python bench/llm.py --no-evidence      # the ablation: the same prompts without analyzer evidence
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.config import FileSettings, Settings  # noqa: E402
from reviewbot.diff import Patch  # noqa: E402
from reviewbot.llm.settings import LLMSettings  # noqa: E402
from reviewbot.models import Review  # noqa: E402
from reviewbot.sources import PatchSource  # noqa: E402
from reviewbot.wiring import execute  # noqa: E402


@dataclass
class Row:
    scenario: str
    files: int
    changed: int
    calls: int
    prompt: int
    completion: int | None
    seconds: float
    note: str = ""

    @property
    def per_line(self) -> str:
        total = self.prompt + (self.completion or 0)
        return f"{total / self.changed:.1f}" if self.changed else "-"


def changed_lines(patch: Patch) -> int:
    return sum(1 for f in patch.files for h in f.hunks for kind, _ in h.lines if kind in "+-")


EVIDENCE = {"evidence": True}


def settings(llm: dict[str, object], analyzers: tuple[str, ...] | None) -> Settings:
    table = {**EVIDENCE, **llm}
    return Settings(FileSettings(analyzers=analyzers, cache=False, llm=LLMSettings.model_validate(table)))


def run(source: PatchSource, s: Settings) -> tuple[Review, float]:
    started = time.monotonic()
    review = execute(source, s)
    return review, time.monotonic() - started


def dumped(directory: Path) -> tuple[int, int]:
    index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    return len(index["requests"]), sum(r["prompt_tokens_estimate"] for r in index["requests"])


def demo_rows(analyzers: tuple[str, ...] | None) -> list[Row]:
    source = PatchSource(
        (ROOT / "examples" / "demo.patch").read_text(encoding="utf-8"), ROOT, origin="demo.patch"
    )
    patch = source.patch()
    files, changed = len(patch.files), changed_lines(patch)
    rows = []
    cassette = ROOT / "examples" / "demo.cassette.json"
    review, seconds = run(source, settings({"cassette": str(cassette)}, analyzers))
    st = review.stats
    missing = sum("no recorded reply" in n for n in review.summary.notes)
    rows.append(
        Row(
            "demo, cassette replay",
            files,
            changed,
            st.llm_calls,
            st.prompt_tokens,
            st.completion_tokens,
            seconds,
            f"{missing} request(s) not in the cassette" if missing else "recorded counts",
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        review, seconds = run(source, settings({"dump-prompts": tmp}, analyzers))
        calls, prompt = dumped(Path(tmp))
    rows.append(
        Row("demo, --dump-prompts", files, changed, calls, prompt, None, seconds, "estimated, chars/4")
    )
    return rows


# ---------------------------------------------------------------- a generated diff

MODULE = '''"""Generated module {n}."""


def load_{n}(path, mode="r"):
    with open(path, mode) as fh:
        return fh.read()


def total_{n}(items):
    result = 0
    for item in items:
        if item > 0:
            result += item
    return result


class Store{n}:
    def __init__(self):
        self.items = {{}}

    def put(self, key, value):
        self.items[key] = value

    def get(self, key):
        return self.items.get(key)
'''


def mutate(text: str, n: int, rng: random.Random) -> str:
    """A plausible change: a signature change, a new branch, a new method (each with some probability)."""
    out = text
    if rng.random() < 0.5:
        out = out.replace(f"def total_{n}(items):", f"def total_{n}(items, limit=None):")
        out = out.replace(
            "            result += item\n",
            "            result += item\n            if limit is not None and result > limit:\n"
            '                raise ValueError(f"total above {limit}")\n',
        )
    if rng.random() < 0.6:
        out = out.replace(
            "    def get(self, key):\n        return self.items.get(key)\n",
            "    def get(self, key, default=None):\n        if key not in self.items:\n"
            "            return default\n        return self.items[key]\n\n"
            "    def delete(self, key):\n        del self.items[key]\n",
        )
    if rng.random() < 0.3 or out == text:
        out = out.replace(
            "    with open(path, mode) as fh:\n        return fh.read()\n",
            '    with open(path, mode, encoding="utf-8") as fh:\n        data = fh.read()\n'
            "    return data.strip()\n",
        )
    return out


def generated(root: Path, count: int) -> str:
    rng = random.Random(20240601)
    parts = []
    pkg = root / "gen"
    pkg.mkdir(parents=True)
    for n in range(count):
        before = MODULE.format(n=n)
        after = mutate(before, n, rng)
        rel = f"gen/mod_{n:03d}.py"
        (root / rel).write_text(after, encoding="utf-8")
        diff = difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{rel}", f"b/{rel}"
        )
        parts.append(f"diff --git a/{rel} b/{rel}\n" + "".join(diff))
    return "".join(parts)


def generated_row(count: int, analyzers: tuple[str, ...] | None) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        text = generated(root, count)
        source = PatchSource(text, root, origin=f"{count}-file diff")
        patch = source.patch()
        out = Path(tmp) / "prompts"
        review, seconds = run(source, settings({"dump-prompts": str(out)}, analyzers))
        calls, prompt = dumped(out)
    default = LLMSettings()
    over = []
    if calls > default.max_calls:
        over.append(f"over the default max-calls {default.max_calls}")
    if prompt > default.max_tokens:
        over.append(f"over the default max-tokens {default.max_tokens}")
    note = "estimated, chars/4" + (f"; {', '.join(over)}" if over else "; within the default budget")
    return Row(
        f"{count}-file diff, --dump-prompts",
        len(patch.files),
        changed_lines(patch),
        calls,
        prompt,
        None,
        seconds,
        note,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=50, help="files in the generated diff (default 50)")
    parser.add_argument(
        "--analyzers", action="store_true", help="run the analyzers on the generated diff too"
    )
    parser.add_argument("--no-demo-analyzers", action="store_true", help="run the demo without analyzers")
    parser.add_argument(
        "--no-evidence", action="store_true", help="the ablation: prompts without analyzer evidence"
    )
    args = parser.parse_args(argv)
    EVIDENCE["evidence"] = not args.no_evidence
    rows = demo_rows(() if args.no_demo_analyzers else None)
    rows.append(generated_row(args.files, None if args.analyzers else ()))
    head = (
        f"{'scenario':32} {'files':>5} {'changed':>7} {'calls':>5} {'prompt tok':>10} {'compl. tok':>10} "
        f"{'tok/line':>8} {'secs':>6}  note"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        completion = "-" if r.completion is None else str(r.completion)
        print(
            f"{r.scenario:32} {r.files:>5} {r.changed:>7} {r.calls:>5} {r.prompt:>10} {completion:>10} "
            f"{r.per_line:>8} {r.seconds:>6.1f}  {r.note}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
