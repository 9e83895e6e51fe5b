"""bandit: security issues, severity x confidence mapped, CWE kept, ``# nosec`` honoured.

Runs bandit's CLI as a subprocess (measured: as fast as in-process, about 0.3 s of start-up, and killable) on the
post-images named one by one: never ``-r`` (which obeys a ``.bandit`` file in the scanned tree), an empty ``--ini``
of our own, and a working directory outside the tree, so nothing in the tree configures it; an isolated interpreter
that cannot import from the tree (``procs.python``).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Literal

from reviewbot import procs
from reviewbot.analyzers import _digest_factory, _inert, _roundtrip, _source
from reviewbot.analyzers._dropping import drop
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult, Confidence, Finding, Severity, Silenced, finding_fingerprint

Level = Literal["low", "medium", "high"]

_NOSEC = re.compile(r"#\s*nosec\b", re.IGNORECASE)
_SEVERITY = {"HIGH": Severity.ERROR, "MEDIUM": Severity.WARNING, "LOW": Severity.INFO}
_CONFIDENCE = {"HIGH": Confidence.HIGH, "MEDIUM": Confidence.MEDIUM, "LOW": Confidence.LOW}

# bandit's own CWE where it is not the standard one for the flaw's category (issue 14): bandit files eval/exec
# under CWE-78, every XML parser and yaml.load under CWE-20 (improper input validation), md5/sha1 under CWE-327
# (a broken cipher), template auto-escaping and mark_safe under CWE-94/80. Our rules use the standard ones.
_STANDARD_CWE = {
    "B102": 94,  # exec
    "B307": 94,  # eval
    "B303": 328,  # md5/sha1 (hashlib, cryptography)
    "B324": 328,  # hashlib md4/md5/sha1
    **{f"B{n}": 611 for n in range(313, 321)},  # xml.etree/sax/expat/minidom/pulldom, lxml parsers
    **{f"B{n}": 611 for n in range(405, 412)},  # imports of those XML modules
    "B506": 502,  # yaml.load
    "B308": 79,  # django mark_safe
    "B701": 79,  # jinja2 autoescape=False
    "B702": 79,  # mako templates
    "B703": 79,  # django mark_safe on a built string
    "B704": 79,  # markupsafe.Markup on a built string
    "B311": 330,  # random
}


class BanditOptions(BaseOptions):
    """``[tool.reviewbot.bandit]``."""

    skip: tuple[str, ...] = ("B101",)  # assert_used: every test file would trip it
    tests: tuple[str, ...] = ()  # run only these test ids (empty: all)
    severity: Level = "low"  # report at or above
    confidence: Level = "low"


class Bandit:
    name: ClassVar[str] = "bandit"
    Options: ClassVar[type[BanditOptions]] = BanditOptions
    per_file: ClassVar[bool] = True
    splittable: ClassVar[bool] = True  # the runner may run batches of files in parallel
    cost_per_kloc: ClassVar[float] = 0.5  # CPU seconds per 1000 lines on the stdlib (base.Traits)
    compared_with_base: ClassVar[bool] = True  # findings depend on the file's text alone (base.Traits)

    def version(self) -> str:
        try:
            v = metadata.version("bandit")
        except metadata.PackageNotFoundError:
            v = "missing"
        return f"bandit {v} py{_source.RUNNING}"

    def in_process(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
        """bandit runs in a child of its own (``procs.python``, timed out and killed by ``procs.run``): this adapter's
        part needs no worker process."""
        return True

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options if isinstance(ctx.options, BanditOptions) else BanditOptions()
        present, notes = _source.targets(files, ctx.workdir, self.name)
        items, unparsable = _source.parsable(present, self.name)
        notes += unparsable
        if not items:
            return AnalyzerResult(notes=tuple(notes))
        report = _run(items, opts, ctx)
        if isinstance(report, str):
            return AnalyzerResult(error=report, notes=tuple(notes))
        results = report["results"]
        errors = report.get("errors", [])
        by_path = _source.path_map(items)
        for err in errors:
            sf = by_path.get(str(err.get("filename", "")))
            where = sf.path if sf else str(err.get("filename", "?"))
            notes.append(f"{where}: bandit could not analyze it: {err.get('reason', 'unknown error')}")
        symbols = _source.Symbols()
        findings = [f for f in (_finding(r, by_path, symbols) for r in results) if f is not None]
        findings, round_trips = _without_round_trips(findings, by_path.values())
        notes += round_trips
        findings, factories = _without_digest_factories(findings, by_path.values())
        notes += factories
        findings, inert = _inert.without_inert(findings, by_path.values(), _inert.BANDIT_RULES)
        notes += inert
        return AnalyzerResult(findings=tuple(findings), notes=tuple(notes), silenced=_silenced(items, results, opts, ctx))


def _without_round_trips(
    findings: Sequence[Finding], files: Iterable[SourceFile]
) -> tuple[list[Finding], list[str]]:
    """``findings`` without B301 on pickle round trips (``_roundtrip``), and a note per file that had some."""
    return _without_lines(findings, files, _roundtrip.RULES, _roundtrip.round_trip_lines,
                          "pickle round trip(s) (loads of what dumps just made) not reported as unsafe deserialization")


def _without_digest_factories(
    findings: Sequence[Finding], files: Iterable[SourceFile]
) -> tuple[list[Finding], list[str]]:
    """``findings`` without B303/B324 in SHA-1 digest factories handed on as HMAC or signer digests
    (``_digest_factory``), and a note per file that had some."""
    return _without_lines(findings, files, _digest_factory.RULES, _digest_factory.factory_lines,
                          "SHA-1 digest factory(ies) handed on as a digest method (HMAC, signers) not reported as a "
                          "weak hash")


def _without_lines(
    findings: Sequence[Finding], files: Iterable[SourceFile], rules: frozenset[str],
    lines_of: Callable[[str], set[int]], note: str,
) -> tuple[list[Finding], list[str]]:
    """``findings`` without those of ``rules`` on the lines ``lines_of(file text)`` names, and a note per file."""
    texts = {sf.path: sf.text for sf in files}
    lines: dict[str, set[int]] = {}

    def harmless(f: Finding) -> bool:
        if f.rule_id not in rules or f.path not in texts:
            return False
        if f.path not in lines:
            lines[f.path] = lines_of(texts[f.path])
        return f.line in lines[f.path]

    return drop(findings, harmless, note)


def _run(items: Sequence[_source.Target], opts: BanditOptions, ctx: AnalysisContext, *flags: str) -> dict[str, Any] | str:
    """bandit's JSON report on ``items``, or what went wrong."""
    with tempfile.TemporaryDirectory(prefix="reviewbot-bandit-") as tmp:
        ini = Path(tmp) / "bandit.ini"
        ini.write_text("[bandit]\n", encoding="utf-8")
        argv = ["--format", "json", "--quiet", "--ini", str(ini), *flags]
        argv += ["--severity-level", opts.severity, "--confidence-level", opts.confidence]
        if opts.skip:
            argv += ["--skip", ",".join(opts.skip)]
        if opts.tests:
            argv += ["--tests", ",".join(opts.tests)]
        argv += ["--", *(str(t.disk) for t in items)]
        argv = procs.python(("module", "bandit"), argv, deny=(ctx.workdir, ctx.repo_root), argv0="bandit")
        run = procs.run(argv, timeout=opts.timeout)
    if run.timed_out:
        return _source.timed_out(opts.timeout, len(items))
    if not run.completed:
        return run.describe()
    try:
        report = json.loads(run.stdout)
        if not isinstance(report, dict) or not isinstance(report["results"], list):
            raise TypeError("no results")
        return report
    except (ValueError, KeyError, TypeError):
        # 0 = clean, 1 = issues found; anything else with no JSON is a crash.
        return run.describe()


def _silenced(
    items: Sequence[_source.Target], results: list[Any], opts: BanditOptions, ctx: AnalysisContext
) -> tuple[Silenced, ...]:
    """What ``# nosec`` kept bandit from reporting: bandit counts it only per file, so the files holding a
    ``nosec`` are scanned again with ``--ignore-nosec`` and the results compared (bandit decides what a ``nosec``
    covers; nothing here re-implements it). A failure of that second scan only loses the count."""
    marked = [t for t in items if _NOSEC.search(t.source.text)]
    if not marked:
        return ()
    again = _run(marked, opts, ctx, "--ignore-nosec")
    if isinstance(again, str):
        return ()
    by_path = _source.path_map(marked)
    seen = {_key(r) for r in results if isinstance(r, dict)}
    out = []
    for r in again["results"]:
        sf = by_path.get(str(r.get("filename", ""))) if isinstance(r, dict) else None
        if sf is not None and _key(r) not in seen:
            out.append(Silenced("bandit", str(r.get("test_id", "B000")), sf.path, int(r.get("line_number") or 1), "nosec"))
    return tuple(out)


def _key(result: dict[str, Any]) -> tuple[str, str, int, int]:
    return (str(result.get("filename")), str(result.get("test_id")), int(result.get("line_number") or 0),
            int(result.get("col_offset") or 0))


def _finding(result: dict[str, Any], by_path: dict[str, SourceFile], symbols: _source.Symbols) -> Finding | None:
    sf = by_path.get(str(result.get("filename", "")))
    if sf is None:
        return None
    line = int(result.get("line_number") or 1)
    line_range = [int(n) for n in result.get("line_range") or [line]]
    end_line = max([line, *line_range])
    rule = str(result.get("test_id", "B000"))
    cwe = _STANDARD_CWE.get(rule, (result.get("issue_cwe") or {}).get("id"))
    return Finding(
        tool="bandit",
        rule_id=rule,
        path=sf.path,
        line=line,
        end_line=end_line,
        severity=_SEVERITY.get(str(result.get("issue_severity", "")).upper(), Severity.WARNING),
        confidence=_CONFIDENCE.get(str(result.get("issue_confidence", "")).upper(), Confidence.MEDIUM),
        message=f"{result.get('issue_text', '').strip()} ({result.get('test_name', rule)})",
        cwe=int(cwe) if isinstance(cwe, int) and cwe > 0 else None,
        fingerprint=finding_fingerprint("bandit", rule, sf.path, _source.code_at(sf.text, line, end_line)),
        column=int(result.get("col_offset") or 0),
        symbol=symbols(sf, line),
        url=str(result.get("more_info", "")),
    )
