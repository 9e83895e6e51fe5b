"""Semgrep rule files, reviewbot's pack (``rules/``, the package ``reviewbot.rules``) first: the one reader and
validator.

Both users read through here: the semgrep adapter (what it hands semgrep: the pack, then the rule files it was
constructed with) and ``reviewbot rules`` / ``reviewbot explain`` (the pack's documentation: id, CWE, severity,
confidence and our metadata keys ``short`` and ``false-negatives``).

What is valid: a ``.yaml``/``.yml`` file (the ``.py`` test cases next to each rule are never read) holding a
mapping with a ``rules:`` list. A file that cannot be read, does not parse or has no such list is left out whole;
a rule that is not a mapping with an ``id``, or whose id was already loaded, is left out alone. Each problem is one
line naming the file, for the caller to report (a note of the semgrep analyzer; a warning and exit code 2 of
``reviewbot rules``). Reads files only: no process, no network.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Traversable

PACKAGE = "reviewbot.rules"
FAMILIES = ("security", "correctness")  # the pack's folders, in the order `reviewbot rules` lists them
_SEVERITY = {"ERROR": "error", "WARNING": "warning", "INFO": "info"}


@dataclass(frozen=True)
class RuleFile:
    """One rule file: ``label`` names it in messages (``rules/security/x.yaml`` for the pack, else its path)."""

    label: str
    text: str
    family: str = ""  # the pack folder it is in (security, correctness); "" outside the pack
    tests: str = ""  # the test cases next to it (``rules/security/x.py``), when the pack has them


@dataclass(frozen=True)
class Rule:
    """One loaded rule: ``body`` is the mapping semgrep reads, ``origin`` the label of its file."""

    id: str
    origin: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class RuleDoc:
    """What ``reviewbot rules`` and ``reviewbot explain`` show of a pack rule."""

    id: str
    family: str  # security | correctness
    severity: str
    cwe: tuple[str, ...]
    confidence: str
    category: str
    short: str
    message: str
    false_negatives: str
    references: tuple[str, ...]
    source: str  # e.g. rules/security/<id>.yaml
    tests: str  # rules/security/<id>.py, or ""

    @property
    def cwe_ids(self) -> str:
        return ",".join(c.split(":", 1)[0].strip() for c in self.cwe) or "-"


def _one_line(value: object) -> str:
    return " ".join(str(value or "").split())


def pack_files(package: str | None = None) -> tuple[list[RuleFile], list[str]]:
    """The rule files of the pack (``package``, by default ``PACKAGE``) in path order, and one message per file
    that could not be read. An uninstalled pack is empty."""
    files: list[RuleFile] = []
    problems: list[str] = []

    def walk(node: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name.startswith((".", "_")):
                continue
            if child.is_dir():
                yield from walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith((".yaml", ".yml")):
                yield prefix + child.name, child

    try:
        root = resources.files(package or PACKAGE)
        found = list(walk(root, ""))
    except (ModuleNotFoundError, OSError):
        return [], []
    for path, entry in found:
        label = f"rules/{path}"
        family = path.split("/", 1)[0] if "/" in path else ""
        stem = path.rsplit(".", 1)[0]
        tests = f"rules/{stem}.py" if root.joinpath(f"{stem}.py").is_file() else ""
        try:
            text = entry.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{label}: cannot read rule file: {_one_line(exc)[:200]}; not loaded")
            continue
        files.append(RuleFile(label, text, family, tests))
    return files, problems


def load(files: Iterable[RuleFile], exclude: Collection[str] = ()) -> tuple[list[Rule], list[str]]:
    """The valid rules of ``files`` (in order, ids in ``exclude`` left out) and one message per problem."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # a safe loader (the C one when built)
    rules: list[Rule] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for f in files:
        if not f.text:
            problems.append(f"{f.label}: missing or empty; not loaded")
            continue
        try:
            data = yaml.load(f.text, Loader=loader)
        except yaml.YAMLError as exc:
            problems.append(f"{f.label}: cannot read rule file: not valid YAML ({_one_line(exc)[:200]}); not loaded")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            problems.append(f"{f.label}: no 'rules' list; not loaded")
            continue
        for body in data["rules"]:
            rule_id = str(body.get("id", "")) if isinstance(body, dict) else ""
            if not rule_id:
                problems.append(f"{f.label}: a rule without an id; not loaded")
                continue
            if rule_id in exclude:
                continue
            if rule_id in seen:
                problems.append(f"{f.label}: rule id {rule_id!r} already loaded from {seen[rule_id]}; skipped")
                continue
            seen[rule_id] = f.label
            rules.append(Rule(rule_id, f.label, body))
    return rules, problems


def describe(rule: Rule, file: RuleFile) -> RuleDoc:
    """The documentation of a pack ``rule`` read from ``file``: its metadata, normalised."""
    body = rule.body
    meta = body.get("metadata") or {}
    meta = meta if isinstance(meta, Mapping) else {}
    cwe = meta.get("cwe") or []
    severity = str(body.get("severity", ""))
    family = file.family or "other"
    return RuleDoc(
        id=rule.id,
        family=family,
        severity=_SEVERITY.get(severity.upper(), severity.lower()),
        cwe=tuple(str(c) for c in (cwe if isinstance(cwe, list) else [cwe])),
        confidence=str(meta.get("confidence", "")).lower(),
        category=str(meta.get("category", family)),
        short=_one_line(meta.get("short")) or _one_line(body.get("message")).split(". ")[0],
        message=str(body.get("message", "")).strip(),
        false_negatives=_one_line(meta.get("false-negatives")),
        references=tuple(str(u) for u in meta.get("references") or ()),
        source=file.label,
        tests=file.tests,
    )


def family_order(family: str) -> tuple[int, str]:
    """Sort key of a family: the known ones in ``FAMILIES`` order, then any other by name."""
    return (FAMILIES.index(family), "") if family in FAMILIES else (len(FAMILIES), family)


@functools.lru_cache(maxsize=4)
def documented(package: str | None = None) -> tuple[tuple[RuleDoc, ...], tuple[str, ...]]:
    """(every valid rule of the pack, documented and sorted by family and id; one message per problem)."""
    files, problems = pack_files(package)
    by_label = {f.label: f for f in files}
    rules, invalid = load(files)
    docs = [describe(r, by_label[r.origin]) for r in rules]
    docs.sort(key=lambda d: (family_order(d.family), d.id))
    return tuple(docs), (*problems, *invalid)
