"""The values that flow through a review: Finding, Fact, Metric, Evidence, Candidate, Verdict, Comment, Review.

Also the changed file every stage reads (SourceFile) and the comment fingerprint every publisher writes
(base_fingerprint). Every stage takes these plain, immutable values and returns new ones (see shared/DESIGN.md):

    Patch -> analyzers -> Evidence -> reviewer -> Candidates -> discriminator -> Review -> publisher

This module imports nothing from the rest of reviewbot, so any stage (and any third-party analyzer) may import it.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    """How bad a comment is. Ordered: info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Confidence(str, enum.Enum):
    """How sure the source of a finding is that it is real."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def weight(self) -> float:
        return _CONFIDENCE_WEIGHT[self]


_CONFIDENCE_WEIGHT = {Confidence.LOW: 0.3, Confidence.MEDIUM: 0.6, Confidence.HIGH: 0.9}


class DiffPosition(str, enum.Enum):
    """Where a finding sits relative to the diff (reviewdog's filter levels)."""

    ADDED = "added"  # on a line the change added
    MOVED = "moved"  # on added lines that only hold code the file already had (moved or re-indented)
    HUNK = "diff_context"  # inside a hunk, on a context line
    FILE = "file"  # in a changed file, outside every hunk
    UNKNOWN = "unknown"  # not placed yet


@dataclass(frozen=True)
class SourceFile:
    """One changed Python file as the analyzers and every later stage see it."""

    path: str  # repository-relative POSIX path of the post-image
    text: str  # post-image text
    before: str | None = None  # pre-image text; None for an added file
    old_path: str | None = None  # pre-image path when renamed
    added_lines: frozenset[int] = frozenset()  # new-file line numbers added by the change
    hunks: tuple[tuple[int, int], ...] = ()  # new-file (start, end) line ranges of the hunks, inclusive


@dataclass(frozen=True)
class Fix:
    """Replace lines ``start_line``..``end_line`` (1-based, inclusive, post-image) by ``replacement``.

    ``replacement`` is the full text of the new lines, each ending in a newline (so ``""`` deletes the lines).
    """

    start_line: int
    end_line: int
    replacement: str
    description: str = ""


@dataclass(frozen=True)
class Finding:
    """One analyzer result."""

    tool: str
    rule_id: str
    path: str
    line: int
    end_line: int
    severity: Severity
    confidence: Confidence
    message: str
    cwe: int | None = None
    fix: Fix | None = None
    fingerprint: str = ""
    column: int = 0
    symbol: str = ""  # enclosing function/class qualified name, when known
    url: str = ""  # documentation of the rule
    position: DiffPosition = DiffPosition.UNKNOWN

    @property
    def origin(self) -> str:
        return f"{self.tool}:{self.rule_id}"


@dataclass(frozen=True)
class Fact:
    """A short semantic fact about changed code, for prompts (e.g. 'signature before: def f(a, b=1)')."""

    path: str
    line: int
    symbol: str
    kind: str  # signature, params, returns, raises, calls, assigns, reads, decorators, docstring, call-site ...
    text: str
    side: str = "after"  # "before" (pre-image) or "after" (post-image)
    end_line: int = 0


@dataclass(frozen=True)
class Metric:
    """A per-function measurement before and after the change (radon cc / mi)."""

    path: str
    symbol: str
    line: int
    name: str  # "cc" (cyclomatic complexity) or "mi" (maintainability index)
    before: float | None
    after: float | None
    rank_before: str | None = None
    rank_after: str | None = None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


class Status(str, enum.Enum):
    OK = "ok"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class AnalyzerStatus:
    """How one analyzer fared on this review; shown in the summary."""

    name: str
    status: Status
    version: str = ""
    findings: int = 0
    seconds: float = 0.0
    message: str = ""  # why it errored or was skipped; empty when ok
    notes: tuple[str, ...] = ()  # per-file problems that did not stop the analyzer
    cached: int = 0  # files served from the cache


@dataclass(frozen=True)
class Silenced:
    """A finding the tool itself did not report because a marker in the code silenced it (``# nosec``,
    ``# pylint: disable``). Only counted: what the code's own markers hid is worth a line in the summary."""

    tool: str
    rule_id: str
    path: str
    line: int
    marker: str  # "nosec", "pylint: disable", ...


@dataclass(frozen=True)
class AnalyzerResult:
    """What an adapter returns for one batch of files. Never raised: problems go into ``error`` / ``notes``."""

    findings: tuple[Finding, ...] = ()
    facts: tuple[Fact, ...] = ()
    metrics: tuple[Metric, ...] = ()
    error: str = ""  # the analyzer as a whole failed (missing tool, crash, timeout)
    notes: tuple[str, ...] = ()  # per-file problems (one file did not parse, ...)
    silenced: tuple[Silenced, ...] = ()  # what the tool's own markers in the code kept it from reporting


@dataclass(frozen=True)
class Evidence:
    """Everything the analyzers produced for one Patch."""

    findings: tuple[Finding, ...] = ()
    facts: tuple[Fact, ...] = ()
    metrics: tuple[Metric, ...] = ()
    statuses: tuple[AnalyzerStatus, ...] = ()
    silenced: tuple[Silenced, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A proposed review comment, from an analyzer finding or an LLM sample."""

    path: str
    line: int
    end_line: int
    severity: Severity
    body: str
    origin: str  # "<tool>:<rule>" or "llm:<model>#<sample>"
    category: str = "correctness"  # security, correctness, complexity, maintainability, style, ...
    fix: Fix | None = None
    cwe: int | None = None
    confidence: float = 0.5  # the source's own confidence in [0, 1]
    cites: tuple[str, ...] = ()  # fingerprints of the findings this candidate rests on
    fingerprint: str = ""
    title: str = ""
    quote: str = ""  # LLM review comments: "exact" (line_text read as quoted), "moved" (re-anchored to it), "" (none)
    # LLM review comments: the model's second look at its own comment (the verify prompt): "true_positive",
    # "false_positive", "uncertain", or "" (not checked), and how sure that verdict is
    recheck: str = ""
    recheck_confidence: float = 0.0
    # The fix LLM triage proposed for the finding it cites: the finding's own claim with a suggestion, so neither
    # counts as agreement for the other (consensus.py), and the triage verdict already moved the finding's confidence
    from_triage: bool = False


@dataclass(frozen=True)
class Verdict:
    """The discriminator's checks of one candidate, and the resulting score."""

    score: float
    reason: str
    applies: bool | None = None  # None: the candidate has no fix
    parses: bool | None = None
    resolves: tuple[str, ...] = ()  # origins of findings the fix removes
    introduces: tuple[str, ...] = ()  # origins of findings the fix adds
    complexity_delta: float | None = None
    cluster_size: int = 1
    agreement: tuple[str, ...] = ()  # other independent sources on the same lines
    tests_passed: bool | None = None
    steps: Mapping[str, str] = field(default_factory=dict)  # step name -> outcome, for the JSON report
    signals: Mapping[str, object] = field(default_factory=dict)  # what the score was computed from (scoring.Signals)
    fix_score: float | None = None  # LLM candidates with a fix: the fix's own score (ranks competing fixes)


class FileKind(str, enum.Enum):
    """What a changed file is (reviewbot/filekinds.py): package code, tests, or inputs to tests and tools."""

    SOURCE = "source"
    TESTS = "tests"
    DATA = "data"

    @property
    def order(self) -> int:
        """Ranking at equal score: source before tests before data."""
        return _KIND_ORDER[self]


_KIND_ORDER = {FileKind.SOURCE: 0, FileKind.TESTS: 1, FileKind.DATA: 2}


@dataclass(frozen=True)
class ClassifiedFile:
    """One changed file's kind and why (e.g. "under tests/data/", "config: data = 'golden/*'")."""

    path: str
    kind: FileKind
    reason: str


@dataclass(frozen=True)
class Comment:
    """A ranked, verified comment: what publishers post."""

    path: str
    line: int
    end_line: int
    severity: Severity
    origin: str
    body: str
    score: float
    reason: str
    category: str = "correctness"
    cwe: int | None = None
    suggestion: str | None = None  # replacement text for lines line..end_line, when verified
    sources: tuple[str, ...] = ()  # every origin merged into this comment
    fingerprint: str = ""
    code: str = ""  # the post-image text of the commented lines (for terminal rendering)
    verdict: Verdict | None = None
    kind: FileKind = FileKind.SOURCE  # the kind of the commented file (ranking, output)


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str  # "not python", "binary", "deleted", "symlink", "excluded", "too large", ...


@dataclass(frozen=True)
class StageTime:
    """Seconds one stage of the review took: ``diff`` (read the change and its files), ``analyzers`` (run them and
    place their findings), ``llm`` (the reviewer: the LLM's calls, or turning findings into candidates without
    one), ``discriminator`` (rank, verify fixes)."""

    name: str
    seconds: float


@dataclass(frozen=True)
class Stats:
    seconds: float = 0.0
    llm_calls: int = 0
    llm_cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    notes: tuple[str, ...] = ()  # what the reviewer wants in the summary (the pipeline moves them there)
    stages: tuple[StageTime, ...] = ()  # the pipeline's stages in order (set by the pipeline)


@dataclass(frozen=True)
class Summary:
    files_reviewed: tuple[str, ...] = ()
    files_skipped: tuple[SkippedFile, ...] = ()
    analyzers: tuple[AnalyzerStatus, ...] = ()
    metrics: tuple[Metric, ...] = ()  # complexity deltas of changed functions
    cut: Mapping[str, int] = field(default_factory=dict)  # why candidates were not reported -> how many
    notes: tuple[str, ...] = ()  # anything else the user should know (suppressions added, files not fitted, ...)
    moved_to_summary: tuple[Comment, ...] = ()  # comments that could not be anchored inline
    python: str = ""  # what the code was judged for: "judged for Python >=3.8 (...); standard library of Python 3.11"
    file_kinds: tuple[ClassifiedFile, ...] = ()  # every reviewed file's kind, with the reason


@dataclass(frozen=True)
class Review:
    comments: tuple[Comment, ...]
    summary: Summary
    stats: Stats = Stats()
    rejected: tuple[Comment, ...] = ()  # candidates the discriminator did not report, with their verdicts
    over_budget: tuple[Comment, ...] = ()  # cleared the threshold, cut by the noise budget: in JSON and SARIF only

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for c in self.comments:
            out[c.severity.value] += 1
        return out


_WS = re.compile(r"\s+")


def normalize_code(code: str) -> str:
    """Whitespace-insensitive form of a code snippet, used in fingerprints."""
    return _WS.sub(" ", code).strip()


def fingerprint(*parts: str) -> str:
    """A stable id from the given parts (tool, rule, path, normalized code): survives line moves."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


def finding_fingerprint(tool: str, rule_id: str, path: str, code: str) -> str:
    return fingerprint(tool, rule_id, path, normalize_code(code))


def base_fingerprint(c: Comment) -> str:
    """The comment's own fingerprint, else one from what survives line moves: origin tool, path, the code.

    LLM origins carry a sample number (``llm:model#3``) that changes from run to run; only the tool part counts.
    """
    if c.fingerprint and re.fullmatch(r"[0-9a-f]{8,64}", c.fingerprint):
        return c.fingerprint
    tool = c.origin.split("#", 1)[0]
    anchor = normalize_code(c.code) or f"line {c.line}"
    return fingerprint("comment", tool, c.path, anchor, c.fingerprint)


def line_span(text: str, line: int, end_line: int) -> str:
    """Lines ``line``..``end_line`` (1-based, inclusive) of ``text``, or "" when out of range."""
    lines = text.splitlines(keepends=True)
    if line < 1 or line > len(lines):
        return ""
    return "".join(lines[line - 1 : max(line, end_line)])
