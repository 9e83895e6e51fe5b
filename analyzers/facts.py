"""facts: what the change did to each function and class, in short sentences for the prompts (libcst).

For every def the diff touched (new, removed, or its text or added lines changed), before and after: signature,
decorators, return expressions, raised exceptions, calls made, names assigned and read, docstring presence. Before
facts are given only where they differ from after. A changed signature also yields the call sites elsewhere in the
repository that still use the old form: a ``signature-change-caller`` Finding each, plus Facts. With
``descriptions`` off (no LLM to read them) only the findings are computed: an added file that the interpreter
parses is then not even parsed by libcst unless the call-site search needs it.

Measured: libcst resolves about 600 lines/s with scope and qualified-name metadata (7.6x slower than ``ast`` even to
parse), so metadata is computed for the changed files only (and not at all for files over ``metadata_max_lines``),
and other files are found with ``git grep -w`` and parsed without metadata. The repository scan is bounded by
files, bytes and seconds, and a note says when it was cut. libcst parses any Python 3 grammar, whatever the
running interpreter, so facts work on syntax bandit and pylint cannot read.

This module walks the touched defs; ``_def_facts`` describes one def, ``_scan`` searches for its callers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import ClassVar

import libcst as cst
from pydantic import Field
from reviewbot.analyzers import _ast_signatures, _changes, _repo, _source
from reviewbot.analyzers import _defs as D
from reviewbot.analyzers._def_facts import def_facts
from reviewbot.analyzers._defs import Def, Parsed
from reviewbot.analyzers._scan import find_callers, mentions, search_names
from reviewbot.analyzers._signatures import Signature, describe_change, signature
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult, Confidence, Fact, Finding, Severity, finding_fingerprint

RULE = "signature-change-caller"
_SCHEMA = "2"  # bump when the facts produced for the same input change
IN_PROCESS_LINES = 5000  # changed files' lines up to which facts runs in the review's process (``in_process``)


class FactsOptions(BaseOptions):
    """``[tool.reviewbot.facts]``."""

    timeout: float = 180.0  # seconds per batch: large diffs need more than the base default
    max_items: int = Field(default=12, ge=1)  # names listed per fact before "and N more"
    call_sites: bool = True  # search the repository for callers of changed signatures
    scan_max_files: int = Field(default=400, ge=0)
    scan_max_bytes: int = Field(default=40_000_000, ge=0)
    scan_max_file_bytes: int = Field(default=1_000_000, ge=1)
    scan_seconds: float = Field(default=30.0, gt=0)
    metadata_max_lines: int = Field(default=20000, ge=0)  # touched lines, in all files, that get scope metadata
    # Facts describing the touched defs, for the LLM reviewer's prompts; nothing else reads them, so a review with
    # no LLM configured turns this off and gets only the findings (stale callers of changed signatures, syntax
    # errors) at a fraction of the cost.
    descriptions: bool = True


@dataclass(frozen=True)
class Change:
    """A def whose signature changed, and what its callers must now do."""

    path: str
    defn: Def
    old: Signature
    new: Signature
    what: tuple[str, ...]


class Facts:
    name: ClassVar[str] = "facts"
    Options: ClassVar[type[FactsOptions]] = FactsOptions
    per_file: ClassVar[bool] = False  # call sites depend on the whole repository
    cost_per_kloc: ClassVar[float] = 0.45  # CPU seconds per 1000 lines, measured on the stdlib (base.Traits)
    prompt_only: ClassVar[tuple[str, ...]] = ("descriptions",)  # the facts describing each def: prompts only
    reanalyzed: ClassVar[bool] = False  # what it finds on a patched fix is not a check of the fix

    def version(self) -> str:
        return f"facts {_SCHEMA} libcst {metadata.version('libcst')}"

    def cache_key(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> str | None:
        """A key over every input, including the repository state the call-site search reads; None: do not cache."""
        opts = ctx.options if isinstance(ctx.options, FactsOptions) else FactsOptions()
        h = hashlib.sha256()
        for sf in sorted(files, key=lambda f: f.path):
            for part in (sf.path, sf.old_path or "", sf.text, "\0" if sf.before is None else sf.before):
                h.update(part.encode("utf-8", "surrogatepass") + b"\0")
            h.update(repr((sorted(sf.added_lines), sf.hunks)).encode())
        if opts.call_sites and ctx.repo_root is not None:
            try:
                state = _repo.state_key(ctx.repo_root, ctx.rev)
            except OSError:
                state = None
            if state is None:
                return None
            h.update(state.encode())
        return h.hexdigest()

    def in_process(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
        """Without descriptions (no LLM reads them) a small change costs less than a worker's start-up; the
        call-site search is bounded on its own (``scan_*``)."""
        opts = ctx.options if isinstance(ctx.options, FactsOptions) else FactsOptions()
        return not opts.descriptions and sum(sf.text.count("\n") for sf in files) <= IN_PROCESS_LINES

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options if isinstance(ctx.options, FactsOptions) else FactsOptions()
        facts: list[Fact] = []
        findings: list[Finding] = []
        notes: list[str] = []
        changes: list[Change] = []
        parsed_after: dict[str, Parsed] = {}
        budget = opts.metadata_max_lines  # lines of touched defs that get scope metadata, over all files
        unresolved: list[str] = []
        deferred: list[SourceFile] = []  # parsed only if the call-site search needs them
        for sf in files:
            if not opts.descriptions and sf.before is None:
                if not isinstance(_source.parse_python(sf.text), SyntaxError):
                    deferred.append(sf)  # no pre-image to compare with and nothing to describe
                    continue
            if not opts.descriptions and _ast_signatures.unchanged(sf):
                deferred.append(sf)  # no signature can have changed (ast says): libcst only if callers are searched
                continue
            after = D.parse(sf.path, sf.text)
            if isinstance(after, str):
                note, finding = _unparsable(sf, after)
                notes.append(note)
                if finding is not None:
                    findings.append(finding)
                continue
            parsed_after[sf.path] = after
            before: Parsed | None = None
            if sf.before is not None:
                got = D.parse(sf.old_path or sf.path, sf.before)
                if isinstance(got, str):
                    notes.append(f"{sf.old_path or sf.path}: the pre-image does not parse ({got}); facts show after only")
                else:
                    before = got
            new_defs = D.defs(after)
            old_defs = D.defs(before) if before is not None else []
            if sf.before is not None and before is None:
                sf = SourceFile(sf.path, sf.text, None, sf.old_path, sf.added_lines, sf.hunks)
            spans = _changes.touched(sf, [d.span for d in new_defs], [d.span for d in old_defs])
            new_by_span = {d.span: d for d in new_defs}
            old_by_span = {d.span: d for d in old_defs}
            pairs = [(old_by_span.get(o) if o else None, new_by_span.get(n) if n else None) for o, n in spans]
            touched_new = [n for _, n in pairs if n is not None]
            touched_old = [o for o, _ in pairs if o is not None]
            size = sum(d.span.end_line - d.span.line + 1 for d in (*touched_new, *touched_old) if not d.span.holes)
            if not opts.descriptions:
                pass  # no names-read facts to resolve
            elif size <= budget:
                budget -= size
                D.resolve_scopes(after, touched_new, new_defs)
                if before is not None:
                    D.resolve_scopes(before, touched_old, old_defs)
            elif touched_new or touched_old:
                unresolved.append(sf.path)
            for old, new in pairs:
                if opts.descriptions:
                    facts += def_facts(sf, old, new, before, after, opts.max_items)
                if (
                    old is not None
                    and new is not None
                    and isinstance(old.node, cst.FunctionDef)
                    and isinstance(new.node, cst.FunctionDef)
                ):
                    old_sig, new_sig = signature(old.node), signature(new.node)
                    what = describe_change(old_sig, new_sig)
                    if what:
                        changes.append(Change(sf.path, new, old_sig, new_sig, tuple(what)))
        if unresolved:
            shown = ", ".join(unresolved[:3]) + (f" and {len(unresolved) - 3} more" if len(unresolved) > 3 else "")
            notes.append(
                f"facts without names read or qualified calls for {shown}: the change touches more than "
                f"metadata_max_lines={opts.metadata_max_lines} lines of functions"
            )
        if changes and opts.call_sites:
            names = set(search_names(changes))
            for sf in deferred:
                if not mentions(sf.text, names):
                    continue  # the call-site search reads only files that mention a changed name
                got = D.parse(sf.path, sf.text)
                if not isinstance(got, str):
                    parsed_after[sf.path] = got
            more_facts, more_findings, more_notes = find_callers(changes, files, parsed_after, ctx, opts)
            facts += more_facts
            findings += more_findings
            notes += more_notes
        return AnalyzerResult(findings=tuple(findings), facts=tuple(facts), notes=tuple(notes))


def _unparsable(sf: SourceFile, why: str) -> tuple[str, Finding | None]:
    """A file libcst cannot parse. When the interpreter cannot either, the change has a syntax error: a Finding."""
    err = _source.parse_python(sf.text)
    if not isinstance(err, SyntaxError):
        return f"{sf.path}: libcst could not parse it ({why}); no facts", None
    line = max(1, err.lineno or 1)
    finding = Finding(
        tool="facts",
        rule_id="syntax-error",
        path=sf.path,
        line=line,
        end_line=line,
        severity=Severity.ERROR,
        confidence=Confidence.HIGH,
        message=f"syntax error: {err.msg}",
        fingerprint=finding_fingerprint("facts", "syntax-error", sf.path, _source.code_at(sf.text, line, line)),
        column=max(0, (err.offset or 1) - 1),
    )
    return f"{sf.path}: syntax error at line {line}: {err.msg}; no facts", finding
