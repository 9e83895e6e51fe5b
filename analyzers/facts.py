"""facts: what the change did to each function and class, in short sentences for the prompts (libcst).

For every def the diff touched (new, removed, or its text or added lines changed), before and after: signature,
decorators, return expressions, raised exceptions, calls made, names assigned and read, docstring presence. Before
facts are given only where they differ from after. A changed signature also yields the call sites elsewhere in the
repository that still use the old form: a ``signature-change-caller`` Finding each, plus Facts; with
``descriptions`` on, the other calls of each changed signature too (``caller`` Facts: the call sites the LLM
prompt lists, so the prompt builder never searches for them itself). With ``descriptions`` off (no LLM to read
them) only the findings are computed: an added file that the interpreter parses is then not even parsed by
libcst unless the call-site search needs it.

Measured: libcst resolves about 600 lines/s with scope and qualified-name metadata (7.6x slower than ``ast`` even to
parse), so metadata is computed for the changed files only (and not at all for files over ``metadata_max_lines``),
and other files are found with ``git grep -w`` and parsed without metadata. The repository scan is bounded by
files, bytes and seconds, and a note says when it was cut. libcst parses any Python 3 grammar, whatever the
running interpreter, so facts work on syntax bandit and pylint cannot read.

This module walks the touched defs (``_changed_defs``, shared with the LLM prompt builder); ``_def_facts``
describes one def, ``_scan`` searches for its callers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import metadata
from typing import ClassVar

from pydantic import Field
from reviewbot.analyzers import _ast_signatures, _repo, _source
from reviewbot.analyzers import _defs as D
from reviewbot.analyzers._changed_defs import Change, changed_defs
from reviewbot.analyzers._def_facts import def_facts
from reviewbot.analyzers._defs import Parsed, Unparsable
from reviewbot.analyzers._scan import find_callers, mentions, search_names
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult, Confidence, Fact, Finding, Severity, finding_fingerprint

RULE = "signature-change-caller"
_SCHEMA = "3"  # bump when the facts produced for the same input change
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
            got = changed_defs(sf)
            if isinstance(got, Unparsable):
                note, finding = _unparsable(sf, str(got))
                notes.append(note)
                if finding is not None:
                    findings.append(finding)
                continue
            parsed_after[sf.path] = after = got.after
            before = got.before
            if got.before_error is not None:
                why = f"the pre-image does not parse ({got.before_error}); facts show after only"
                notes.append(f"{sf.old_path or sf.path}: {why}")
            sf = got.sf
            touched_new = [n for _, n in got.pairs if n is not None]
            touched_old = [o for o, _ in got.pairs if o is not None]
            size = sum(d.span.end_line - d.span.line + 1 for d in (*touched_new, *touched_old) if not d.span.holes)
            if not opts.descriptions:
                pass  # no names-read facts to resolve
            elif size <= budget:
                budget -= size
                D.resolve_scopes(after, touched_new, got.new_defs)
                if before is not None:
                    D.resolve_scopes(before, touched_old, got.old_defs)
            elif touched_new or touched_old:
                unresolved.append(sf.path)
            if opts.descriptions:
                for old, new in got.pairs:
                    facts += def_facts(sf, old, new, before, after, opts.max_items)
            # with descriptions (an LLM reads them), a signature whose text alone changed gets its callers too
            changes += got.changes(text=opts.descriptions)
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
                parsed = D.parse(sf.path, sf.text)
                if not isinstance(parsed, Unparsable):
                    parsed_after[sf.path] = parsed
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
