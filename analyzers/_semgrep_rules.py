"""semgrep rules: which rule files a scan loads (the built-in pack, then the rule files the adapter was constructed
with; ``reviewbot.rulepack`` reads and validates them), writing them for the scan, and semgrep's complaints about
them; runs no process."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reviewbot import rulepack
from reviewbot.rulepack import Rule, RuleFile

_REGISTRY = re.compile(r"^(?:[prs]/|auto$|supply-chain$|secrets$|https?://)", re.IGNORECASE)


def registry_config(value: str) -> bool:
    """True for a config that needs semgrep's registry or the network (``p/python``, ``auto``, URLs)."""
    return bool(_REGISTRY.match(value.strip()))


def rule_files(extra: Sequence[str], *, builtin: bool) -> tuple[list[RuleFile], list[str]]:
    """Every rule file to load, the built-in pack first, then the ``extra`` paths (files or folders; registry
    configs are refused elsewhere); and one note per pack file that could not be read."""
    files, problems = rulepack.pack_files() if builtin else ([], [])
    for value in extra:
        if registry_config(value):
            continue
        path = Path(value).expanduser()
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.suffix in (".yaml", ".yml") and f.is_file() and not any(p.startswith(".") for p in f.parts[-2:]):
                    files.append(RuleFile(str(f), f.read_text(encoding="utf-8", errors="replace")))
        elif path.is_file():
            files.append(RuleFile(str(path), path.read_text(encoding="utf-8", errors="replace")))
        else:
            files.append(RuleFile(str(path), ""))
    return files, problems


def load_rules(extra: Sequence[str], *, builtin: bool, exclude: Sequence[str]) -> tuple[list[Rule], list[str]]:
    """The rules to hand semgrep (read and validated by ``reviewbot.rulepack``) and a note per problem."""
    files, problems = rule_files(extra, builtin=builtin)
    rules, invalid = rulepack.load(files, exclude)
    return rules, problems + invalid


def write_rules(path: Path, rules: Sequence[Rule]) -> None:
    # JSON is YAML: no dumper quirks with the patterns' special characters.
    path.write_text(json.dumps({"rules": [r.body for r in rules]}), encoding="utf-8")


def rule_errors(report: Mapping[str, Any]) -> bool:
    """Whether semgrep rejected the configuration (rather than failing on a target)."""
    for err in report.get("errors") or []:
        kind = str(err.get("type", "")) if isinstance(err, dict) else ""
        if "Rule" in kind or "config" in str(err.get("message", "") if isinstance(err, dict) else ""):
            return True
    return False


def invalid_rule_files(report: Mapping[str, Any], names: Mapping[str, Rule]) -> set[str]:
    bad: set[str] = set()
    for err in report.get("errors") or []:
        if not isinstance(err, dict):
            continue
        for span in err.get("spans") or []:
            fname = Path(str(span.get("file", ""))).name if isinstance(span, dict) else ""
            if fname in names:
                bad.add(fname)
    return bad
