"""semgrep rules: reads the built-in pack and trusted rule files, writes them for a scan; runs no process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewbot.analyzers.base import AnalysisContext

_REGISTRY = re.compile(r"^(?:[prs]/|auto$|supply-chain$|secrets$|https?://)", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    id: str
    origin: str  # the file it came from
    body: dict[str, Any]


def registry_config(value: str) -> bool:
    """True for a config that needs semgrep's registry or the network (``p/python``, ``auto``, URLs)."""
    return bool(_REGISTRY.match(value.strip()))


def trusted_rules(ctx: AnalysisContext) -> list[str]:
    section = ctx.trusted.get("semgrep")
    if not isinstance(section, Mapping):
        return []
    value = section.get("rules") or ()
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _builtin_files() -> Iterator[tuple[str, str]]:
    from importlib import resources

    def walk(node: Any, prefix: str) -> Iterator[tuple[str, str]]:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name.startswith((".", "_")):
                continue
            if child.is_dir():
                yield from walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith((".yaml", ".yml")):
                yield f"reviewbot.rules:{prefix}{child.name}", child.read_text(encoding="utf-8")

    try:
        yield from walk(resources.files("reviewbot.rules"), "")
    except (ModuleNotFoundError, OSError):
        return


def rule_texts(ctx: AnalysisContext, *, builtin: bool) -> Iterator[tuple[str, str]]:
    """(label, text) of every rule file to load: the built-in pack, then the trusted paths (files or folders)."""
    if builtin:
        yield from _builtin_files()
    for value in trusted_rules(ctx):
        if registry_config(value):
            continue
        path = Path(value).expanduser()
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.suffix in (".yaml", ".yml") and f.is_file() and not any(p.startswith(".") for p in f.parts[-2:]):
                    yield str(f), f.read_text(encoding="utf-8", errors="replace")
        elif path.is_file():
            yield str(path), path.read_text(encoding="utf-8", errors="replace")
        else:
            yield str(path), ""


def load_rules(ctx: AnalysisContext, *, builtin: bool, exclude: Sequence[str]) -> tuple[list[Rule], list[str]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rules: list[Rule] = []
    notes: list[str] = []
    seen: dict[str, str] = {}
    for label, text in rule_texts(ctx, builtin=builtin):
        if not text:
            notes.append(f"rule path {label} does not exist or is empty")
            continue
        try:
            data = yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            notes.append(f"{label}: not valid YAML ({' '.join(str(exc).split())[:200]}); not loaded")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            notes.append(f"{label}: no 'rules' list; not loaded")
            continue
        for body in data["rules"]:
            rule_id = str(body.get("id", "")) if isinstance(body, dict) else ""
            if not rule_id:
                notes.append(f"{label}: a rule without an id; not loaded")
                continue
            if rule_id in exclude:
                continue
            if rule_id in seen:
                notes.append(f"{label}: rule id {rule_id!r} already loaded from {seen[rule_id]}; skipped")
                continue
            seen[rule_id] = label
            rules.append(Rule(rule_id, label, body))
    return rules, notes


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
