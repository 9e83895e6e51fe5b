"""semgrep: reviewbot's rule pack (``reviewbot.rules``) plus the rule files it is constructed with, offline.

What the measurements dictated:

- start-up costs about 2.3 s, so all targets go into one invocation and the rules load once (it uses the cores
  itself: measured on 200 files, two concurrent half-batches took 19 s where one scan took 13 s);
- the version check waits about 96 s unless disabled, and metrics must be off: ``--metrics=off
  --disable-version-check`` and ``SEMGREP_ENABLE_VERSION_CHECK=0``;
- a registry config (``p/python``, ``auto``, a URL) waits 98 s and then fails offline: refused up front;
- one missing target aborts the whole scan: only post-images that exist are passed;
- one invalid rule aborts the whole scan: each rule is written to a file of its own, and a scan that fails on
  invalid rules is retried once without them (they are reported);
- ``check_id`` gets the rule file's directory as a prefix: it is stripped by matching the ids of the rules we
  wrote; ``extra.lines`` reads "requires login": snippets are cut from the file here;
- targets are passed explicitly, as copies in a scratch directory of ours that is also the working directory
  (outside the tree, holding nothing but the rules and the copies, yet above every target: with targets outside
  its working directory semgrep scans on one core, measured 2.4x slower), so neither a ``.semgrepignore`` nor a
  ``.gitignore`` in the tree changes what is scanned. The ``.py`` test cases next to the rules are never loaded:
  only the ``.yaml``/``.yml`` files are read, parsed and rewritten (``_semgrep_rules``). semgrep's Python
  wrapper runs in an isolated interpreter (``procs.python``);
- matching is most of the time (parsing a file is about a tenth): when the review reports on hunks only
  (``ctx.scope == "hunks"``), semgrep scans a focused copy of each file in which the bodies of functions the
  change does not touch are left out (``_focus``; lines and columns unchanged, fix offsets mapped back).

This module stages the targets and runs the scan; ``_semgrep_report`` turns its JSON into findings and notes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field
from reviewbot import procs
from reviewbot.analyzers import _inert, _source
from reviewbot.analyzers import _semgrep_report as report_
from reviewbot.analyzers import _semgrep_rules as rules_
from reviewbot.analyzers._focus import Focus, changed_lines, focus
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult

_FLAGS = ("--metrics=off", "--disable-version-check", "--json", "--quiet", "--no-git-ignore", "--oss-only")


class SemgrepOptions(BaseOptions):
    """``[tool.reviewbot.semgrep]``. No key names rule files: extra ones are a constructor argument
    (``Semgrep(rules=...)``), which the review never passes."""

    timeout: float = 300.0  # seconds per batch: large diffs need more than the base default
    builtin: bool = True  # run reviewbot's own rule pack
    exclude_rules: tuple[str, ...] = ()  # rule ids to leave out
    max_target_bytes: int = Field(default=2_000_000, ge=0)  # larger files are skipped and noted (0: no limit)
    rule_timeout: float = Field(default=5.0, ge=0)  # semgrep's per-rule, per-file timeout (0: none)
    # When the review reports on hunks, scan focused copies (untouched function bodies left out). The built-in
    # rules look no further than the enclosing function; turn this off for own rules that need a whole file.
    focus: bool = True


class Semgrep:
    name: ClassVar[str] = "semgrep"
    Options: ClassVar[type[SemgrepOptions]] = SemgrepOptions
    per_file: ClassVar[bool] = True  # reviewbot's rules are intra-file
    splittable: ClassVar[bool] = False  # semgrep spreads one scan over the cores itself; batches measured slower
    cost_per_kloc: ClassVar[float] = 0.35  # with reviewbot's rule pack, measured on the stdlib (base.Traits)
    startup_s: ClassVar[float] = 2.5
    compared_with_base: ClassVar[bool] = True  # findings depend on the file's text alone (base.Traits)

    def __init__(self, rules: Sequence[str | Path] = ()) -> None:
        """``rules``: rule files or folders to load after the pack (benchmarks and tests: the review's config
        cannot name files for a tool to load, so the review constructs this adapter without them)."""
        self.rules: tuple[str, ...] = tuple(str(r) for r in rules)

    def version(self) -> str:
        return f"semgrep {_semgrep_version()}"

    def settings_key(self, ctx: AnalysisContext) -> str:
        """Cache-key material beyond the options: the content of every rule file that would be loaded."""
        opts = ctx.options if isinstance(ctx.options, SemgrepOptions) else SemgrepOptions()
        h = hashlib.sha256()
        files, problems = rules_.rule_files(self.rules, builtin=opts.builtin)
        for f in files:
            h.update(f.label.encode("utf-8", "replace") + b"\0" + f.text.encode("utf-8", "replace") + b"\0")
        for problem in problems:
            h.update(problem.encode("utf-8", "replace") + b"\0")
        return h.hexdigest()

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options if isinstance(ctx.options, SemgrepOptions) else SemgrepOptions()
        for value in self.rules:
            if rules_.registry_config(value):
                return AnalyzerResult(
                    error=f"rule config {value!r} needs the semgrep registry; reviewbot runs semgrep offline "
                    "(download the rules and name the file in the config instead)"
                )
        exe = procs.find_executable("semgrep")
        if exe is None:
            return AnalyzerResult(error="the semgrep executable was not found (next to Python or on PATH)")
        rules, notes = rules_.load_rules(self.rules, builtin=opts.builtin, exclude=opts.exclude_rules)
        present, missing = _source.targets(files, ctx.workdir, self.name)
        notes += missing
        items: list[_source.Target] = []
        for t in present:
            size = len(t.source.text.encode("utf-8", "surrogatepass"))
            if opts.max_target_bytes and size > opts.max_target_bytes:
                notes.append(f"{t.source.path}: {size} bytes, over max_target_bytes; semgrep skipped it")
            else:
                items.append(t)
        if not rules:
            return AnalyzerResult(notes=(*notes, "no semgrep rules to run"))
        if not items:
            return AnalyzerResult(notes=tuple(notes))
        with tempfile.TemporaryDirectory(prefix="reviewbot-semgrep-") as tmp:
            scratch = Path(tmp).absolute()
            symbols = _source.Symbols()
            narrow = ctx.scope == "hunks" and opts.focus
            items, focused = _stage_targets(items, scratch / "targets", symbols, narrow)
            rules_.write_rules(scratch / "rules.yaml", rules)
            command = _command(exe, (ctx.workdir, ctx.repo_root))
            report, error = self._scan(command, scratch, ["rules.yaml"], items, opts)
            if error and report is not None and rules_.rule_errors(report):
                # One invalid rule aborts the scan and the error does not name it: find it with one file per rule.
                names = {}
                for i, rule in enumerate(rules):
                    names[f"rule{i:04d}.yaml"] = rule
                    rules_.write_rules(scratch / f"rule{i:04d}.yaml", [rule])
                probe, _ = self._scan(command, scratch, list(names), items[:1], opts)
                bad = rules_.invalid_rule_files(probe or {}, names)
                if bad:
                    for fname in sorted(bad):
                        notes.append(f"rule {names[fname].id!r} from {names[fname].origin} is invalid; skipped")
                    rules = [r for f, r in names.items() if f not in bad]
                    rules_.write_rules(scratch / "rules.yaml", rules)
                    report, error = self._scan(command, scratch, ["rules.yaml"], items, opts)
        if error:
            return AnalyzerResult(error=error, notes=tuple(notes))
        assert report is not None
        by_path = _source.path_map(items)
        known = {r.id: r for r in rules}
        findings = []
        for result in report.get("results") or []:
            finding = report_.finding(result, by_path, known, symbols, focused)
            if finding is not None:
                findings.append(finding)
        findings, inert = _inert.without_inert(findings, by_path.values(), _inert.SEMGREP_RULES)
        notes += inert
        for err in report.get("errors") or []:
            note = report_.error_note(err, by_path)
            for prefix in (ctx.workdir.absolute(), scratch / "targets"):
                note = note.replace(f"{prefix}/", "")
            notes.append(note)
        return AnalyzerResult(findings=tuple(findings), notes=tuple(notes))

    def _scan(
        self, command: list[str], scratch: Path, configs: list[str], items: list[_source.Target], opts: SemgrepOptions
    ) -> tuple[dict[str, Any] | None, str]:
        argv = [*command, "scan", *_FLAGS, f"--max-target-bytes={opts.max_target_bytes}"]
        argv.append(f"--timeout={opts.rule_timeout:g}")
        for c in configs:
            argv += ["--config", str(scratch / c)]
        argv += ["--", *(str(t.disk) for t in items)]
        env = procs.tool_env(
            {
                "SEMGREP_ENABLE_VERSION_CHECK": "0",
                "SEMGREP_SEND_METRICS": "off",
                "SEMGREP_SETTINGS_FILE": str(scratch / "settings.yml"),
            }
        )
        run = procs.run(argv, cwd=scratch, timeout=opts.timeout, env=env)
        if run.timed_out:
            return None, _source.timed_out(opts.timeout, len(items))
        if run.returncode is None:
            return None, run.describe()
        try:
            report = json.loads(run.stdout)
            if not isinstance(report, dict):
                raise TypeError
        except (ValueError, TypeError):
            return None, run.describe()
        if run.returncode not in (0, 1):
            messages = [str(e.get("message") or e.get("short_msg") or e.get("type")) for e in report.get("errors", [])]
            detail = "; ".join(m for m in messages if m) or run.describe()
            return report, f"semgrep exited with {run.returncode}: {detail}"
        return report, ""


def _command(exe: str, deny: Sequence[Path | None]) -> list[str]:
    """This venv's semgrep (a Python console script) in an isolated interpreter; any other semgrep as it is."""
    if Path(exe).parent == Path(sys.executable).parent and importlib.util.find_spec("semgrep") is not None:
        return procs.python(("call", "semgrep.console_scripts.entrypoint:main"), deny=deny, argv0=exe)
    return [exe]


@lru_cache(maxsize=1)
def _semgrep_version() -> str:
    exe = procs.find_executable("semgrep")
    if exe is None:
        return "missing"
    if Path(exe).parent == Path(sys.executable).parent:
        try:
            return metadata.version("semgrep")
        except metadata.PackageNotFoundError:
            pass
    run = procs.run([exe, "--version", "--disable-version-check"], timeout=30,
                    env=procs.tool_env({"SEMGREP_ENABLE_VERSION_CHECK": "0"}))
    return run.stdout.strip() if run.completed and run.stdout.strip() else "unknown"


def _stage_targets(
    items: Sequence[_source.Target], root: Path, symbols: _source.Symbols, narrow: bool
) -> tuple[list[_source.Target], dict[str, Focus]]:
    """The targets as copies written under ``root``, focused ones (see ``_focus``) when ``narrow`` for each file that
    has code outside its hunks, and those focused copies by path; the parse each file needs for it also serves
    ``symbols``."""
    targets: list[_source.Target] = []
    focused: dict[str, Focus] = {}
    for t in items:
        sf = t.source
        cut = None
        if narrow:
            tree = _source.parse_python(sf.text)
            symbols.prime(sf, tree)
            cut = focus(sf.text, changed_lines(sf.added_lines, sf.hunks), tree)
        disk = root / sf.path
        disk.parent.mkdir(parents=True, exist_ok=True)
        disk.write_bytes((sf.text if cut is None else cut.text).encode("utf-8", "surrogatepass"))
        targets.append(_source.Target(sf, disk))
        if cut is not None:
            focused[sf.path] = cut
    return targets, focused
