"""The hand-written model replies of ``examples/demo.cassette.json``, and the script that (re)builds it.

The replies were written by hand, as a plausible model would answer the demo prompts — they are a fixture, not
the output of a real model. Two of them are deliberately wrong the way models are: one comment quotes the right
line but gives the wrong number (reviewbot re-anchors it), one points past the end of the file (reviewbot moves
it to the summary).

Rebuild after a prompt change (the cassette is keyed by the exact prompts; replies are matched by label)::

    python -m tests.llm.demo_cassette
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CASSETTE = ROOT / "examples" / "demo.cassette.json"
MODEL = "demo-fixture"
NOTE = (
    "Hand-written fixture: these replies were written by hand for the demo prompts, as a plausible model would "
    "answer; they are not the output of a real model. Keys are hashes of the exact prompts; rebuild with "
    "`python -m tests.llm.demo_cassette` after changing a template (see docs/llm.md, section 'The demo cassette')."
)
APP = "examples/demo/inventory/app.py"
DB = "examples/demo/inventory/db.py"
PRICING = "examples/demo/inventory/pricing.py"
STOCK = "examples/demo/inventory/stock.py"


def c(
    path: str,
    start: int,
    end: int,
    line_text: str,
    severity: str,
    category: str,
    body: str,
    suggestion: str | None,
    confidence: float,
) -> dict[str, Any]:
    return {
        "path": path,
        "start_line": start,
        "end_line": end,
        "line_text": line_text,
        "severity": severity,
        "category": category,
        "body": body,
        "suggestion": suggestion,
        "confidence": confidence,
        "cites": [],
    }


APP_REPLY = [
    c(
        APP,
        25,
        25,
        "rows = conn.execute(f\"SELECT id, name FROM items WHERE name LIKE '%{term}%'\").fetchall()",
        "error",
        "security",
        "`term` comes straight from the query string and is formatted into the SQL text, so `?q=' OR '1'='1` "
        "returns every row and other payloads can read any table. Pass it as a parameter instead.",
        '        rows = conn.execute("SELECT id, name FROM items WHERE name LIKE ?", (f"%{term}%",)).fetchall()\n',
        0.95,
    ),
    c(
        APP,
        32,
        32,
        'subprocess.run(f"tar czf /tmp/{name}.tgz data/", shell=True)',
        "error",
        "security",
        "`name` is user input inside a shell command: `?name=x;rm -rf ~` runs arbitrary commands. Call `tar` "
        "without a shell (argument list), and still restrict `name` to a safe pattern, since `../` in it writes "
        "outside `/tmp`.",
        '    subprocess.run(["tar", "czf", f"/tmp/{name}.tgz", "data/"], check=True)\n',
        0.9,
    ),
    # Wrong number (36), right text: reviewbot re-anchors it to line 38.
    c(
        APP,
        36,
        36,
        'base = float(request.args.get("base", "0"))',
        "warning",
        "error-handling",
        "`float()` raises `ValueError` for a non-numeric `base`, which Flask turns into a 500. Validate the "
        "parameter and answer 400 instead.",
        None,
        0.6,
    ),
    # Past the end of the file (40 lines): reviewbot moves it to the summary.
    c(
        APP,
        44,
        44,
        "",
        "info",
        "testing",
        "The new `/items/search` and `/export` endpoints have no tests; add at least one test per endpoint, "
        "including a hostile input.",
        None,
        0.4,
    ),
]

PRICING_REPLY = [
    c(
        PRICING,
        15,
        15,
        "price = price - 5",
        "warning",
        "correctness",
        "With `FREESHIP` outside the EU a cheap item gets a negative price (a base of 3 gives -2). Clamp at zero.",
        "        price = max(0, price - 5)\n",
        0.75,
    ),
    c(
        PRICING,
        29,
        29,
        "return round(price * quantity, 2)",
        "warning",
        "compatibility",
        "`compute_price` used to return the unit price and now returns the total for `quantity` units. The "
        "default `quantity=1` keeps today's callers working, but the name and the docstring-less signature "
        "hide the change; say so in a docstring (or add a separate `total_price`).",
        None,
        0.55,
    ),
    c(
        PRICING,
        16,
        21,
        'if region == "US":',
        "info",
        "complexity",
        "Region rates as an if/elif chain push the function's complexity up; a module-level mapping "
        '(`{"US": 1.07, "UK": 1.2, "CH": 1.08, "NO": 1.08}`) with one lookup is easier to extend.',
        None,
        0.4,
    ),
]

DB_STOCK_REPLY = [
    c(
        DB,
        23,
        23,
        "cur.execute(f\"SELECT id, name, price FROM items WHERE name LIKE '%{term}%'\")",
        "error",
        "security",
        "Same injection as the `/items/search` endpoint: `term` is formatted into the SQL text. Bind it as a "
        "parameter.",
        '        cur.execute("SELECT id, name, price FROM items WHERE name LIKE ?", (f"%{term}%",))\n',
        0.95,
    ),
    c(
        STOCK,
        11,
        11,
        "def reserve(item_id, quantity, warehouse):",
        "error",
        "compatibility",
        "`warehouse` is a new required parameter, but `orders.place_order` still calls `reserve(item_id, qty)` "
        "(the call site listed above), so every order now fails with `TypeError`. Give it a default, or update "
        "the callers in this change.",
        'def reserve(item_id, quantity, warehouse="main"):\n',
        0.85,
    ),
    c(
        STOCK,
        13,
        14,
        "key = (warehouse, item_id)",
        "warning",
        "correctness",
        "Stock is now keyed by `(warehouse, item_id)`, but anything that fills `_STOCK` by `item_id` alone is not "
        "changed here: such stock becomes invisible and every reservation raises `OutOfStock`.",
        None,
        0.6,
    ),
]


# Triage verdicts by rule (tool:rule); the ids are read from the current triage prompts when the cassette is built.
SQL_FIX = (
    '        rows = conn.execute("SELECT id, name FROM items WHERE name LIKE ?", (f"%{term}%",)).fetchall()\n'
)
SHELL_FIX = '    subprocess.run(["tar", "czf", f"/tmp/{name}.tgz", "data/"], check=True)\n'
DB_FIX = '        cur.execute("SELECT id, name, price FROM items WHERE name LIKE ?", (f"%{term}%",))\n'
TRIAGE: dict[str, dict[str, tuple[str, str, float, tuple[int, int, str] | None]]] = {
    APP: {
        "bandit:B608": (
            "true_positive",
            "`term` is request input formatted into the SQL text; a quote in it " "changes the query.",
            0.95,
            (25, 25, SQL_FIX),
        ),
        "semgrep:sqli-string-format": (
            "true_positive",
            "The same f-string query as bandit B608 on this line.",
            0.9,
            None,
        ),
        "semgrep:sqli-tainted-dbapi": (
            "true_positive",
            "`request.args` flows unchanged into `conn.execute`.",
            0.95,
            None,
        ),
        "bandit:B602": (
            "true_positive",
            "`name` from the query string is part of a command run by a shell.",
            0.95,
            (32, 32, SHELL_FIX),
        ),
        "semgrep:command-injection-subprocess-shell": (
            "true_positive",
            "Request data reaches `shell=True`.",
            0.95,
            None,
        ),
        "semgrep:shell-command-formatted": (
            "true_positive",
            "The command string is formatted with user input.",
            0.9,
            None,
        ),
        "bandit:B108": (
            "uncertain",
            "The archive path under /tmp is predictable, which matters on a shared host "
            "(symlink attacks) but not with a private /tmp; the command injection on the line above is "
            "the real problem.",
            0.5,
            None,
        ),
    },
    DB: {
        "bandit:B608": (
            "true_positive",
            "`term` is formatted into the SQL text; callers pass search input.",
            0.9,
            (23, 23, DB_FIX),
        ),
        "semgrep:sqli-string-format": ("true_positive", "The same f-string query as bandit B608.", 0.9, None),
    },
    PRICING: {
        "radon:complexity-threshold": (
            "true_positive",
            "Coupon, region and quantity rules are interleaved in one "
            "function (2 -> 16); no small local fix, split the rules into helpers.",
            0.8,
            None,
        ),
    },
}


# The verify step's verdicts on the model's own review comments (ids c1, c2, ... in the order of each verify prompt).
# One is judged wrong, as a skeptical second look would: the complexity remark asks for a refactor, not a fix.
VERIFY: dict[str, dict[str, tuple[str, str, float]]] = {
    APP: {
        "c1": ("true_positive", "`term` from the query string is formatted into the SQL text on line 25.", 0.95),
        "c2": ("true_positive", "`name` reaches a command run by a shell; `;` in it runs anything.", 0.95),
        "c3": ("true_positive", "`float(base)` raises on non-numeric input and nothing catches it.", 0.8),
    },
    DB: {"c1": ("true_positive", "The LIKE pattern is built by formatting `term` into the SQL text.", 0.9)},
    PRICING: {
        "c1": ("true_positive", "With FREESHIP the 5.0 discount is subtracted from any base, so 3 gives -2.", 0.85),
        "c2": ("false_positive", "A style preference: the chain is correct and the radon finding covers it.", 0.7),
        "c3": ("uncertain", "The default keeps callers working; whether totals are wanted depends on them.", 0.5),
    },
    STOCK: {
        "c1": ("true_positive", "`place_order` still calls `reserve(item_id, qty)`: a TypeError on every order.", 0.95),
        "c2": ("true_positive", "Stock keyed by item id alone is no longer found under the new key.", 0.75),
    },
}


def fenced(obj: Any) -> str:
    return "```json\n" + json.dumps(obj, indent=2) + "\n```"  # models often fence their JSON; reviewbot copes


REVIEWS = {
    f"review:{APP}": json.dumps({"comments": APP_REPLY}, indent=2),
    f"review:{PRICING}": fenced({"comments": PRICING_REPLY}),
    f"review:{DB},{STOCK}": json.dumps({"comments": DB_STOCK_REPLY}, indent=2),
}
_ID = re.compile(r"^- id ([0-9a-f]+): (\S+?)[ ,(]", re.M)


def _dumped(prompts: Path, task: str) -> Iterator[tuple[str, str, str]]:
    """(label, path, prompt text) of each ``task`` prompt (``triage``, ``verify``) dumped in ``prompts``."""
    index = json.loads((prompts / "index.json").read_text(encoding="utf-8"))
    for entry in index["requests"]:
        label = entry["label"]
        if label.startswith(f"{task}:"):
            yield label, label.partition(":")[2], (prompts / entry["file"]).read_text(encoding="utf-8")


def triage_replies(prompts: Path) -> dict[str, str]:
    """The triage replies for the triage prompts dumped in ``prompts`` (ids read from them, verdicts from TRIAGE)."""
    out = {}
    for label, path, text in _dumped(prompts, "triage"):
        verdicts = []
        for finding_id, rule in _ID.findall(text):
            spec = TRIAGE.get(path, {}).get(rule)
            if spec is None:
                continue
            verdict, reason, confidence, fix = spec
            verdicts.append(
                {
                    "id": finding_id,
                    "verdict": verdict,
                    "reason": reason,
                    "confidence": confidence,
                    "fix": None
                    if fix is None
                    else {"start_line": fix[0], "end_line": fix[1], "replacement": fix[2]},
                }
            )
        out[label] = json.dumps({"verdicts": verdicts}, indent=2)
    return out


def verify_replies(prompts: Path) -> dict[str, str]:
    """The verify replies for the verify prompts dumped in ``prompts`` (ids read from them, verdicts from VERIFY)."""
    out = {}
    for label, path, text in _dumped(prompts, "verify"):
        spec = VERIFY.get(path, {})
        verdicts = [
            {"id": cid, "verdict": spec[cid][0], "reason": spec[cid][1], "confidence": spec[cid][2], "fix": None}
            for cid in _COMMENT_ID.findall(text)
            if cid in spec
        ]
        out[label] = json.dumps({"verdicts": verdicts}, indent=2)
    return out


_COMMENT_ID = re.compile(r"^- id (c\d+): ", re.M)


def label_only(replies: dict[str, str]) -> dict[str, Any]:
    """A cassette whose entries carry labels and replies but no keys (the rebuild adds them)."""
    return {
        "format": "reviewbot-cassette",
        "version": 1,
        "model": MODEL,
        "note": NOTE,
        "interactions": [
            {
                "label": label,
                "model": MODEL,
                "request": {"n": 1},
                "response": {
                    "texts": [text],
                    "prompt_tokens": 0,
                    "completion_tokens": (len(text) + 3) // 4,
                    "calls": 1,
                    "estimated": True,
                },
            }
            for label, text in replies.items()
        ],
    }


def _review(*args: str) -> int:
    from reviewbot.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        return main(
            [
                "review",
                "--patch",
                "examples/demo.patch",
                "-q",
                "--fail-on",
                "none",
                "--format",
                "json",
                "--output",
                str(Path(tmp) / "review.json"),
                *args,
            ]
        )


def build(path: Path = CASSETTE) -> int:
    """Dump the current demo prompts (default analyzers), write the label-only cassette with the hand-written
    replies, then replay + record it against the current prompts (which adds the keys and the exact requests)."""
    old = os.getcwd()
    seed = path.with_name(path.name + ".seed")
    try:
        os.chdir(ROOT)
        with tempfile.TemporaryDirectory() as tmp:
            code = _review("--dump-prompts", tmp)
            if code not in (0, 1):
                return code
            replies = {**triage_replies(Path(tmp)), **REVIEWS}
        seed.write_text(json.dumps(label_only(replies), indent=2) + "\n", encoding="utf-8")
        with tempfile.TemporaryDirectory() as tmp:  # the verify prompts exist once the review replies do
            code = _review("--llm-cassette", str(seed), "--dump-prompts", tmp)
            if code not in (0, 1):
                return code
            replies.update(verify_replies(Path(tmp)))
        seed.write_text(json.dumps(label_only(replies), indent=2) + "\n", encoding="utf-8")
        code = _review("--llm-cassette", str(seed), "--record-cassette", str(path))
    finally:
        os.chdir(old)
        seed.unlink(missing_ok=True)
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["interactions"]:  # the prompt size is known now: fill in the estimate
        text = "".join(m["content"] for m in entry["request"]["messages"])
        entry["response"]["prompt_tokens"] = (len(text) + 3) // 4 + 4 * len(entry["request"]["messages"])
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(build(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else CASSETTE))
