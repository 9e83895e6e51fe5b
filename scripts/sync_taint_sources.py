#!/usr/bin/env python3
"""Keep the web-request taint sources identical across the rule pack.

Eighteen security rules (SQL, command, path, SSRF, XSS, ... injection) share one ``pattern-sources`` block: request
data of Flask, Django/DRF, FastAPI and Starlette, in modules that import one of them. semgrep has no include
mechanism, so the block is copied; ``rules/security/sql-injection.yaml`` holds the canonical text, and every rule
whose sources start with the same marker comment gets exactly that text. The same rules also share the first entry
of their ``pattern-sanitizers`` (a value overwritten by a constant in a branch whose condition is a constant that
holds, e.g. ``if 7 * 18 > 100: bar = "safe"``), copied the same way (inserted first when a rule lacks it).

Usage::

    python scripts/sync_taint_sources.py          # copy the canonical block into every rule that shares it
    python scripts/sync_taint_sources.py --check  # exit 1, naming the files, if a copy differs
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CANONICAL = ROOT / "rules" / "security" / "sql-injection.yaml"
MARKER = "      # Only modules that import a supported web framework"
_BLOCK = re.compile(r"(?ms)^    pattern-sources:\n.*?(?=^    [a-z-]+:)")
_SANITIZER = re.compile(r"(?ms)^      # Constant-folded branches:.*?^      # end: constant-folded branches\n")
_SANITIZERS_KEY = "    pattern-sanitizers:\n"


def block(text: str) -> str | None:
    m = _BLOCK.search(text)
    return m.group(0) if m else None


def sharing(rules_dir: Path) -> list[Path]:
    """The rule files whose sources are the shared web block (by its marker comment)."""
    out = []
    for path in sorted(rules_dir.glob("*/*.yaml")):
        found = block(path.read_text(encoding="utf-8"))
        if found is not None and found.split("\n", 2)[1].startswith(MARKER):
            out.append(path)
    return out


def sanitizer(text: str) -> str | None:
    m = _SANITIZER.search(text)
    return m.group(0) if m else None


def stale(rules_dir: Path, canonical: Path) -> list[Path]:
    text = canonical.read_text(encoding="utf-8")
    want, want_san = block(text), sanitizer(text)
    return [
        p
        for p in sharing(rules_dir)
        if block(t := p.read_text(encoding="utf-8")) != want or sanitizer(t) != want_san
    ]


def _with_sanitizer(text: str, want: str) -> str:
    if _SANITIZER.search(text):
        return _SANITIZER.sub(lambda _m: want, text, count=1)
    if _SANITIZERS_KEY in text:
        return text.replace(_SANITIZERS_KEY, _SANITIZERS_KEY + want, 1)
    return text.replace("    pattern-sinks:\n", _SANITIZERS_KEY + want + "    pattern-sinks:\n", 1)


def sync(rules_dir: Path, canonical: Path) -> list[Path]:
    source = canonical.read_text(encoding="utf-8")
    want, want_san = block(source), sanitizer(source)
    assert want is not None, f"{canonical}: no pattern-sources block"
    changed = stale(rules_dir, canonical)
    for path in changed:
        text = _BLOCK.sub(lambda _m: want, path.read_text(encoding="utf-8"), count=1)
        if want_san is not None:
            text = _with_sanitizer(text, want_san)
        path.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report copies that differ")
    args = parser.parse_args(argv)
    rules_dir = ROOT / "rules"
    if args.check:
        bad = stale(rules_dir, CANONICAL)
        for path in bad:
            print(f"{path.relative_to(ROOT)}: web taint sources differ from {CANONICAL.relative_to(ROOT)}")
        return 1 if bad else 0
    for path in sync(rules_dir, CANONICAL):
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
