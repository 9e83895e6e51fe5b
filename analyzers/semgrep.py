"""semgrep: reviewbot's rule pack (``reviewbot.rules``) plus rule files named in the trusted config, offline.

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
  only the ``.yaml``/``.yml`` files are read, parsed here, and rewritten. semgrep's Python wrapper runs in an
  isolated interpreter (``procs.python``);
- matching is most of the time (parsing a file is about a tenth): when the review reports on hunks only
  (``ctx.scope == "hunks"``), semgrep scans a focused copy of each file in which the bodies of functions the
  change does not touch are left out (``_focus``; lines and columns unchanged, fix offsets mapped back).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field
from reviewbot import procs
from reviewbot.analyzers import _source
from reviewbot.analyzers._focus import Focus, changed_lines, focus
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult, Confidence, Finding, Fix, Severity, finding_fingerprint

_SEVERITY = {
    "ERROR": Severity.ERROR,
    "CRITICAL": Severity.ERROR,
    "HIGH": Severity.ERROR,
    "WARNING": Severity.WARNING,
    "MEDIUM": Severity.WARNING,
    "INFO": Severity.INFO,
    "LOW": Severity.INFO,
    "INVENTORY": Severity.INFO,
    "EXPERIMENT": Severity.INFO,
}
_CONFIDENCE = {"HIGH": Confidence.HIGH, "MEDIUM": Confidence.MEDIUM, "LOW": Confidence.LOW}
_CWE = re.compile(r"CWE-(\d+)", re.IGNORECASE)
_REGISTRY = re.compile(r"^(?:[prs]/|auto$|supply-chain$|secrets$|https?://)", re.IGNORECASE)
_FLAGS = ("--metrics=off", "--disable-version-check", "--json", "--quiet", "--no-git-ignore", "--oss-only")


class SemgrepOptions(BaseOptions):
    """``[tool.reviewbot.semgrep]``. Extra rule paths are honoured only from the trusted config
    (``trusted['semgrep']['rules']``)."""

    timeout: float = 300.0  # seconds per batch: large diffs need more than the base default
    builtin: bool = True  # run reviewbot's own rule pack
    exclude_rules: tuple[str, ...] = ()  # rule ids to leave out
    max_target_bytes: int = Field(default=2_000_000, ge=0)  # larger files are skipped and noted (0: no limit)
    rule_timeout: float = Field(default=5.0, ge=0)  # semgrep's per-rule, per-file timeout (0: none)
    # When the review reports on hunks, scan focused copies (untouched function bodies left out). The built-in
    # rules look no further than the enclosing function; turn this off for own rules that need a whole file.
    focus: bool = True


@dataclass(frozen=True)
class Rule:
    id: str
    origin: str  # the file it came from
    body: dict[str, Any]


def registry_config(value: str) -> bool:
    """True for a config that needs semgrep's registry or the network (``p/python``, ``auto``, URLs)."""
    return bool(_REGISTRY.match(value.strip()))


class Semgrep:
    name: ClassVar[str] = "semgrep"
    Options: ClassVar[type[SemgrepOptions]] = SemgrepOptions
    per_file: ClassVar[bool] = True  # reviewbot's rules are intra-file
    splittable: ClassVar[bool] = False  # semgrep spreads one scan over the cores itself; batches measured slower
    cost_per_kloc: ClassVar[float] = 0.35  # with reviewbot's rule pack, measured on the stdlib (base.Traits)
    startup_s: ClassVar[float] = 2.5

    def version(self) -> str:
        return f"semgrep {_semgrep_version()}"

    def settings_key(self, ctx: AnalysisContext) -> str:
        """Cache-key material beyond the options: the content of every rule file that would be loaded."""
        opts = ctx.options if isinstance(ctx.options, SemgrepOptions) else SemgrepOptions()
        h = hashlib.sha256()
        for label, text in _rule_texts(opts, ctx):
            h.update(label.encode("utf-8", "replace") + b"\0" + text.encode("utf-8", "replace") + b"\0")
        return h.hexdigest()

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options if isinstance(ctx.options, SemgrepOptions) else SemgrepOptions()
        for value in _trusted_rules(ctx):
            if registry_config(value):
                return AnalyzerResult(
                    error=f"rule config {value!r} needs the semgrep registry; reviewbot runs semgrep offline "
                    "(download the rules and name the file in the config instead)"
                )
        exe = procs.find_executable("semgrep")
        if exe is None:
            return AnalyzerResult(error="the semgrep executable was not found (next to Python or on PATH)")
        rules, notes = _load_rules(opts, ctx)
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
            _write_rules(scratch / "rules.yaml", rules)
            command = _command(exe, (ctx.workdir, ctx.repo_root))
            report, error = self._scan(command, scratch, ["rules.yaml"], items, opts)
            if error and report is not None and _rule_errors(report):
                # One invalid rule aborts the scan and the error does not name it: find it with one file per rule.
                names = {}
                for i, rule in enumerate(rules):
                    names[f"rule{i:04d}.yaml"] = rule
                    _write_rules(scratch / f"rule{i:04d}.yaml", [rule])
                probe, _ = self._scan(command, scratch, list(names), items[:1], opts)
                bad = _invalid_rule_files(probe or {}, names)
                if bad:
                    for fname in sorted(bad):
                        notes.append(f"rule {names[fname].id!r} from {names[fname].origin} is invalid; skipped")
                    rules = [r for f, r in names.items() if f not in bad]
                    _write_rules(scratch / "rules.yaml", rules)
                    report, error = self._scan(command, scratch, ["rules.yaml"], items, opts)
        if error:
            return AnalyzerResult(error=error, notes=tuple(notes))
        assert report is not None
        by_path = _source.path_map(items)
        known = {r.id: r for r in rules}
        findings = []
        for result in report.get("results") or []:
            finding = _finding(result, by_path, known, symbols, focused)
            if finding is not None:
                findings.append(finding)
        for err in report.get("errors") or []:
            note = _error_note(err, by_path)
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


def _trusted_rules(ctx: AnalysisContext) -> list[str]:
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


def _rule_texts(opts: SemgrepOptions, ctx: AnalysisContext) -> Iterator[tuple[str, str]]:
    """(label, text) of every rule file to load: the built-in pack, then the trusted paths (files or folders)."""
    if opts.builtin:
        yield from _builtin_files()
    for value in _trusted_rules(ctx):
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


def _load_rules(opts: SemgrepOptions, ctx: AnalysisContext) -> tuple[list[Rule], list[str]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rules: list[Rule] = []
    notes: list[str] = []
    seen: dict[str, str] = {}
    for label, text in _rule_texts(opts, ctx):
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
            if rule_id in opts.exclude_rules:
                continue
            if rule_id in seen:
                notes.append(f"{label}: rule id {rule_id!r} already loaded from {seen[rule_id]}; skipped")
                continue
            seen[rule_id] = label
            rules.append(Rule(rule_id, label, body))
    return rules, notes


def _write_rules(path: Path, rules: Sequence[Rule]) -> None:
    # JSON is YAML: no dumper quirks with the patterns' special characters.
    path.write_text(json.dumps({"rules": [r.body for r in rules]}), encoding="utf-8")


def _rule_errors(report: Mapping[str, Any]) -> bool:
    """Whether semgrep rejected the configuration (rather than failing on a target)."""
    for err in report.get("errors") or []:
        kind = str(err.get("type", "")) if isinstance(err, dict) else ""
        if "Rule" in kind or "config" in str(err.get("message", "") if isinstance(err, dict) else ""):
            return True
    return False


def _invalid_rule_files(report: Mapping[str, Any], names: Mapping[str, Rule]) -> set[str]:
    bad: set[str] = set()
    for err in report.get("errors") or []:
        if not isinstance(err, dict):
            continue
        for span in err.get("spans") or []:
            fname = Path(str(span.get("file", ""))).name if isinstance(span, dict) else ""
            if fname in names:
                bad.add(fname)
    return bad


def _error_note(err: Any, by_path: Mapping[str, SourceFile]) -> str:
    if not isinstance(err, dict):
        return f"semgrep: {err}"
    where = ""
    path = err.get("path")
    if path:
        sf = by_path.get(str(path))
        where = f"{sf.path if sf else path}: "
    kind = err.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    text = err.get("message") or err.get("short_msg") or ""
    text = " ".join(str(text).split())[:300]
    rule = f" (rule {err['rule_id']})" if err.get("rule_id") else ""
    return f"{where}semgrep {kind or 'error'}{rule}: {text}".rstrip(": ")


def _rule_id(check_id: str, known: Mapping[str, Rule]) -> str:
    if check_id in known:
        return check_id
    for rid in sorted(known, key=len, reverse=True):
        if check_id.endswith("." + rid):
            return rid
    return check_id


def _cwe(metadata_: Mapping[str, Any]) -> int | None:
    value = metadata_.get("cwe")
    for item in value if isinstance(value, list) else [value]:
        m = _CWE.search(str(item)) if item is not None else None
        if m:
            return int(m.group(1))
    return None


def _fix(text: str, start: Mapping[str, Any], end: Mapping[str, Any], replacement: str, rule: str) -> Fix | None:
    """semgrep's fix replaces bytes start..end; a reviewbot Fix replaces whole lines."""
    data = text.encode("utf-8", "surrogatepass")
    try:
        s_off, e_off = int(start["offset"]), int(end["offset"])
    except (KeyError, TypeError, ValueError):
        return None
    if not 0 <= s_off <= e_off <= len(data):
        return None
    line_start = data.rfind(b"\n", 0, s_off) + 1
    nl = data.find(b"\n", e_off)
    line_end = len(data) if nl < 0 else nl + 1
    new = data[line_start:s_off] + replacement.encode("utf-8", "surrogatepass") + data[e_off:line_end]
    if not new.endswith(b"\n"):
        new += b"\n"
    first = data.count(b"\n", 0, line_start) + 1
    last = first + data.count(b"\n", line_start, max(line_start, line_end - 1))
    return Fix(first, last, new.decode("utf-8", "surrogatepass"), f"semgrep autofix ({rule})")


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


def _finding(
    result: Mapping[str, Any],
    by_path: Mapping[str, SourceFile],
    known: Mapping[str, Rule],
    symbols: _source.Symbols,
    focused: Mapping[str, Focus],
) -> Finding | None:
    sf = by_path.get(str(result.get("path", "")))
    if sf is None:
        return None
    extra = result.get("extra") or {}
    meta = extra.get("metadata") or {}
    start = result.get("start") or {}
    end = result.get("end") or {}
    line = max(1, int(start.get("line") or 1))
    end_line = max(line, int(end.get("line") or line))
    rule = _rule_id(str(result.get("check_id", "")), known)
    severity = _SEVERITY.get(str(extra.get("severity", "")).upper(), Severity.WARNING)
    confidence = _CONFIDENCE.get(str(meta.get("confidence", "")).upper(), Confidence.MEDIUM)
    fix = None
    if isinstance(extra.get("fix"), str):
        cut = focused.get(sf.path)
        if cut is not None:  # offsets into the focused copy -> into the real file
            start, end = (
                {**pos, "offset": cut.original_offset(int(pos.get("offset", 0)))} for pos in (start, end)
            )
        fix = _fix(sf.text, start, end, extra["fix"], rule)
    refs = meta.get("references")
    url = meta.get("source") or (refs[0] if isinstance(refs, list) and refs else refs) or ""
    return Finding(
        tool="semgrep",
        rule_id=rule,
        path=sf.path,
        line=line,
        end_line=end_line,
        severity=severity,
        confidence=confidence,
        message=" ".join(str(extra.get("message", "")).split()),
        cwe=_cwe(meta),
        fix=fix,
        fingerprint=finding_fingerprint("semgrep", rule, sf.path, _source.code_at(sf.text, line, end_line)),
        column=max(0, int(start.get("col") or 1) - 1),
        symbol=symbols(sf, line),
        url=str(url) if isinstance(url, str) else "",
    )
