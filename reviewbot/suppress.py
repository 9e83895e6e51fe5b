"""Suppression comments, the code's own markers, and the suppressions a change adds.

``# reviewbot: ignore`` on a line drops every finding whose lines include it; ``# reviewbot: ignore[B602,
pylint:unused-import, sqli-string-format]`` drops only those rules (``rule`` or ``tool:rule``; a semgrep rule may be
named without its path prefix). The tools' own comments (``# nosec``, ``# nosemgrep``, ``# pylint: disable=...``)
keep working: bandit, semgrep and pylint honour them themselves, so nothing here re-implements their scoping rules.
Markers no tool of ours reads are honoured here: ``# noqa`` codes that mean one of our findings (``reviewbot.noqa``)
and pylint's ``unreachable`` right after a call that never returns (``reviewbot.noreturn``).

Notes that go into the review summary:

- one count of the findings the code's own markers hid where the filter mode looks, by kind (``# reviewbot:
  ignore``, ``noqa``, ``NoReturn``, and what the tools report their own markers silenced: ``nosec``, ``pylint:
  disable``), e.g. "3 findings suppressed by the code's own markers (noqa: 2, nosec: 1)";
- a ``# reviewbot: ignore`` that suppresses nothing any more (only where the filter mode shows the line, and only
  when the analyzers it could be meant for ran without error — otherwise "unused" could not be told apart from
  "its analyzer failed");
- every suppression comment the reviewed change itself adds (a change should not silence the reviewer unnoticed;
  a ``# noqa`` only when it hides one of our findings). These are summary notes rather than comments: they stay
  visible whatever the noise budget cuts, and they never change the exit code (a suppression is not a defect; it
  is something a reviewer should look at).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reviewbot import noqa, noreturn
from reviewbot.filtering import position, shown, visible
from reviewbot.models import AnalyzerStatus, Finding, Silenced, SourceFile, Status
from reviewbot.noqa import rule_matches

__all__ = ["Marks", "Suppression", "added_suppressions", "apply", "comments", "parse", "rule_matches"]

_DIRECTIVE = re.compile(r"\breviewbot\s*:\s*ignore\b(?:\[(?P<rules>[^\]]*)\])?", re.IGNORECASE)

# Comment patterns of the tools' own suppressions, with the tool they silence.
_NATIVE = (
    (re.compile(r"#\s*nosec\b", re.IGNORECASE), "bandit"),
    (re.compile(r"\bnosemgrep\b", re.IGNORECASE), "semgrep"),
    (re.compile(r"\bpylint\s*:\s*(?:disable(?:-next)?\b|skip-file\b)", re.IGNORECASE), "pylint"),
    (re.compile(r"#\s*noqa\b", re.IGNORECASE), "noqa"),  # noted only when it hides one of our findings
)

MAX_NOTES = 10  # per kind; the rest is counted


@dataclass(frozen=True)
class Suppression:
    """One ``# reviewbot: ignore[...]`` comment. ``rules`` empty means every rule."""

    path: str
    line: int
    rules: tuple[str, ...]
    text: str  # the directive as written, for messages

    def matches(self, finding: Finding) -> bool:
        if finding.path != self.path or not finding.line <= self.line <= max(finding.line, finding.end_line):
            return False
        return not self.rules or any(rule_matches(r, finding) for r in self.rules)


def comments(text: str) -> list[tuple[int, str]]:
    """(line, comment text) of every ``#`` comment; strings that merely contain ``#`` are not comments.

    Falls back to a line scan when the file does not tokenize (a syntax error must not hide a suppression).
    """
    if "#" not in text:
        return []
    return list(_comments(text))


def _comments(text: str) -> tuple[tuple[int, str], ...]:
    found, _ = noqa.scan(text)  # tokenized once however many passes read them (tokenize is slow on large files)
    if found is not None:
        return found
    out: list[tuple[int, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        pos = line.find("#")
        if pos >= 0:
            out.append((n, line[pos:]))
    return tuple(out)


# A word every suppression comment of ``_DIRECTIVE`` / ``_NATIVE`` contains: a text without any has none of them
# and needs no tokenizing (compared case-folded, as the patterns match case-insensitively).
_WORDS = ("reviewbot", "nosec", "nosemgrep", "pylint", "noqa")
_ANY = re.compile("|".join(f"(?:{p.pattern})" for p in (_DIRECTIVE, *(p for p, _ in _NATIVE))), re.IGNORECASE)


def _mentions(text: str, words: Iterable[str]) -> bool:
    folded = text.casefold()
    return any(w in folded for w in words)


def _on_added_lines(sf: SourceFile) -> bool:
    """Whether a line the change added could hold a suppression comment (the lines numbered as the tokenizer and
    as the fallback line scan number them)."""
    if not sf.added_lines or not _mentions(sf.text, _WORDS):
        return False
    for lines in (sf.text.split("\n"), sf.text.splitlines()):
        if any(0 < n <= len(lines) and _ANY.search(lines[n - 1]) for n in sf.added_lines):
            return True
    return False


def parse(sf: SourceFile) -> list[Suppression]:
    found: list[Suppression] = []
    if not _mentions(sf.text, ("reviewbot",)):
        return found
    for line, comment in comments(sf.text):
        for m in _DIRECTIVE.finditer(comment):
            rules = tuple(r.strip() for r in (m.group("rules") or "").split(",") if r.strip())
            if m.group("rules") is not None and not rules:
                rules = ("<none>",)  # `ignore[]` names nothing: it suppresses nothing (and is reported as such)
            found.append(Suppression(sf.path, line, rules, "# " + m.group(0)))
    return found


def added_suppressions(sf: SourceFile) -> list[tuple[int, str, str]]:
    """(line, comment, tool) for each suppression comment on a line the change added."""
    out: list[tuple[int, str, str]] = []
    if not _on_added_lines(sf):
        return out
    for line, comment in comments(sf.text):
        if line not in sf.added_lines:
            continue
        tools = [tool for pattern, tool in _NATIVE if pattern.search(comment)]
        if _DIRECTIVE.search(comment):
            tools.append("reviewbot")
        if tools:
            out.append((line, comment.strip(), ", ".join(tools)))
    return out


@dataclass(frozen=True)
class Marks:
    """Which findings a marker hides (``at``: their indices in the input), and the notes. Nothing is cut here:
    ``filtering.select`` decides and counts."""

    findings: tuple[Finding, ...]  # those no marker hides
    suppressed: tuple[Finding, ...]
    notes: tuple[str, ...]
    at: frozenset[int] = frozenset()  # indices of the suppressed findings in the input
    # marker kind -> how many findings it hid where the filter mode looks (with what the tools' own markers
    # kept them from reporting)
    by_marker: tuple[tuple[str, int], ...] = ()


def _can_judge(sup: Suppression, statuses: Sequence[AnalyzerStatus]) -> bool:
    """Whether "suppresses nothing" is meaningful: the analyzers it may target ran without error."""
    ok = {s.name.lower() for s in statuses if s.status is Status.OK}
    tools = {r.partition(":")[0].lower() for r in sup.rules if ":" in r}
    if tools and len(tools) == len(sup.rules):
        return tools <= ok
    return bool(statuses) and all(s.status is Status.OK for s in statuses)


def _capped(notes: list[str], what: str) -> list[str]:
    if len(notes) <= MAX_NOTES:
        return notes
    return [*notes[:MAX_NOTES], f"... and {len(notes) - MAX_NOTES} more {what}"]


def apply(
    findings: Iterable[Finding],
    files: Sequence[SourceFile],
    statuses: Sequence[AnalyzerStatus] = (),
    mode: str = "added",
    silenced: Sequence[Silenced] = (),
) -> Marks:
    """Mark the findings a ``# reviewbot: ignore`` or a marker we honour covers; note unused suppressions and
    those the change adds.

    ``findings`` are placed (``filtering.place_all``). ``mode`` is the diff filter mode: unused suppressions
    are only reported on lines it shows, the markers only count what it shows, and with ``nofilter`` (a
    whole-file review) nothing counts as added by a change.
    """
    by_path: dict[str, list[Suppression]] = defaultdict(list)
    markers = _Markers(files)
    for sf in files:
        by_path[sf.path] = parse(sf)
    used: set[Suppression] = set()
    kept: list[Finding] = []
    suppressed: list[tuple[Finding, str]] = []
    at: set[int] = set()
    for i, f in enumerate(findings):
        hits = [s for s in by_path.get(f.path, ()) if s.matches(f)]
        used.update(hits)
        kind = "reviewbot: ignore" if hits else markers.kind(f)
        if kind:
            suppressed.append((f, kind))
            at.add(i)
        else:
            kept.append(f)
    unused: list[str] = []
    added: list[str] = []
    for sf in files:
        for sup in by_path[sf.path]:
            in_view = shown(position(sup.line, sup.line, sf), mode)
            if sup not in used and in_view and _can_judge(sup, statuses):
                unused.append(f"{sf.path}:{sup.line}: `{sup.text}` suppresses nothing; remove it")
        if mode == "nofilter":
            continue
        for line, comment, tool in added_suppressions(sf):
            hidden = sorted(
                {f.origin for f, _ in suppressed if f.path == sf.path and f.line <= line <= max(f.line, f.end_line)}
                | {f"{s.tool}:{s.rule_id}" for s in silenced if s.path == sf.path and s.line == line}
            )
            if tool == "noqa" and not hidden:
                continue  # a noqa for a flake8 code we have no equivalent of (E501) is none of our business
            what = f"; it hides {', '.join(hidden)}" if hidden else ""
            added.append(f"{sf.path}:{line}: the change adds a suppression ({tool}): `{comment}`{what}")
    files_by_path = {sf.path: sf for sf in files}
    counts: dict[str, int] = defaultdict(int)
    for f, kind in suppressed:
        if visible(f, mode):
            counts[kind] += 1
    for s in silenced:  # the tools' own markers: they never reached us, so they are counted, not "cut"
        if shown(position(s.line, s.line, files_by_path.get(s.path)), mode):
            counts[s.marker] += 1
    notes = _count_note(counts) + _capped(added, "suppressions added") + _capped(unused, "unused suppressions")
    by_marker = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Marks(tuple(kept), tuple(f for f, _ in suppressed), tuple(notes), frozenset(at), by_marker)


class _Markers:
    """The code's own markers we honour for tools that do not: ``# noqa`` codes, and calls that never return."""

    def __init__(self, files: Sequence[SourceFile]) -> None:
        self._files = {sf.path: sf for sf in files}
        self._noqa: dict[str, list[noqa.Noqa]] = {}
        self._modules: dict[str, noreturn.Module] = {}

    def kind(self, f: Finding) -> str:
        sf = self._files.get(f.path)
        if sf is None:
            return ""
        if sf.path not in self._noqa:
            marked = noqa.mentioned(sf.text)  # most files have no noqa at all: nothing to tokenize
            self._noqa[sf.path] = noqa.parse(sf.path, sf.text, comments(sf.text)) if marked else []
        if any(n.matches(f) for n in self._noqa[sf.path]):
            return "noqa"
        if noreturn.is_unreachable(f):
            if sf.path not in self._modules:
                self._modules[sf.path] = noreturn.Module(sf.text)
            if self._modules[sf.path].follows_no_return(f):
                return "NoReturn"
        return ""


def _count_note(counts: dict[str, int]) -> list[str]:
    total = sum(counts.values())
    if not total:
        return []
    parts = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return [f"{total} finding{'s' if total != 1 else ''} suppressed by the code's own markers ({parts})"]
