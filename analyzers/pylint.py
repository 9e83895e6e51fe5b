"""pylint: likely bugs in the changed files, not style.

pylint is the slowest tool (about 1 s a file with every checker on) and the noisiest, so by default it runs a
*defects* profile: the messages in ``DEFECTS`` (``_pylint_messages``), chosen because they point at code that is wrong or dead and
are reliable when the project's dependencies are not importable (reviewbot lints a scratch copy holding only the
changed files). pylint skips checkers whose messages are all disabled, which is also most of its cost.

Trust: pylint executes the ``init-hook`` of any rc file it discovers from its working directory (``pylintrc``,
``.pylintrc``, ``pyproject.toml``, ``setup.cfg``, ``tox.ini``, parents included) and imports ``load-plugins``
modules. So it runs as a subprocess, from an empty temporary directory, with ``--rcfile`` naming an empty file of
ours (or the rc file the adapter was constructed with: never one from a config), the allow-listed environment (no ``PYLINTRC``, no ``PYTHONPATH``)
and ``--persistent=n``. While it lints, pylint puts the directories of the linted files first on ``sys.path`` and
imports lazily (isort, for one): it runs in an isolated interpreter whose import guard never imports a module from
the scratch tree or the repository (``procs.python``), so a reviewed ``isort.py`` or ``tokenize.py`` is only read.

It runs on reviewbot's interpreter, next to reviewbot's own dependencies: ``_pylint_launcher`` keeps astroid to the
standard library and the files under review, so that a project's calls into, say, click are not checked against
reviewbot's click (and libcst's sources are not parsed for seconds).

Python versions: pylint gets the project's oldest Python as ``--py-version`` (``AnalysisContext.python``), but it
knows only the standard library of the interpreter it runs on. So the launcher reports which messages judged a call,
attribute or import against the standard library (``_pylint_launcher.VERSIONED``, decided by astroid's inference):
such a finding says that it depends on the Python version and which standard library judged it, is a warning at
most, and is not reported at all on a line marked ``# type: ignore`` (in any form), where the authors already told
the type checker that they know.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tempfile
import tokenize
from collections.abc import Sequence
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Literal

from reviewbot import procs
from reviewbot.analyzers import _dynamic_names, _name_fallbacks, _rebinding, _source
from reviewbot.analyzers._pylint_messages import CONFIG_MESSAGES, DEFECTS, SURE
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult, Confidence, Finding, Severity, Silenced, finding_fingerprint

_LAUNCHER = Path(__file__).with_name("_pylint_launcher.py")  # pylint with astroid kept to the stdlib and the tree
_SUPPRESSED = re.compile(r"Suppressed '([\w-]+)' \(from line \d+\)")  # pylint's I0020 message

_SEVERITY = {
    "fatal": Severity.ERROR,
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "refactor": Severity.INFO,
    "convention": Severity.INFO,
    "info": Severity.INFO,
}
_CONFIDENCE = {
    "HIGH": Confidence.HIGH,
    "CONTROL_FLOW": Confidence.MEDIUM,
    "INFERENCE": Confidence.MEDIUM,
    "INFERENCE_FAILURE": Confidence.LOW,
    "UNDEFINED": Confidence.MEDIUM,
}

# pylint's exit status is a bit field (pylint.lint.run).
FATAL, ERROR, WARNING, REFACTOR, CONVENTION, USAGE = 1, 2, 4, 8, 16, 32


def decode_exit(status: int) -> list[str]:
    """The names of the bits set in a pylint exit status (``decode_exit(6) == ['error', 'warning']``)."""
    names = {FATAL: "fatal", ERROR: "error", WARNING: "warning", REFACTOR: "refactor", CONVENTION: "convention"}
    names[USAGE] = "usage error"
    return [name for bit, name in names.items() if status & bit]


class PylintOptions(BaseOptions):
    """``[tool.reviewbot.pylint]``. No key names an rc file: one is a constructor argument (``Pylint(rcfile=...)``),
    which the review never passes."""

    timeout: float = 300.0  # seconds per batch: large diffs need more than the base default
    profile: Literal["defects", "all"] = "defects"  # "all": pylint's defaults (or the constructor's rcfile's)
    enable: tuple[str, ...] = ()  # added to the profile (message ids or symbols)
    disable: tuple[str, ...] = ()  # removed from it


class Pylint:
    name: ClassVar[str] = "pylint"
    Options: ClassVar[type[PylintOptions]] = PylintOptions
    per_file: ClassVar[bool] = True
    splittable: ClassVar[bool] = True
    cost_per_kloc: ClassVar[float] = 0.9  # CPU seconds per 1000 lines on the stdlib (base.Traits)
    startup_s: ClassVar[float] = 1.0
    compared_with_base: ClassVar[bool] = True  # findings depend on the file's text alone (base.Traits)

    def __init__(self, rcfile: str | Path | None = None) -> None:
        """``rcfile``: a pylint rc file to use instead of an empty one (benchmarks and tests: the review's config
        cannot name a file for a tool to load, and an rc file runs code through its ``init-hook``)."""
        self.rcfile: Path | None = Path(rcfile).expanduser().absolute() if rcfile else None

    def version(self) -> str:
        parts = []
        for dist in ("pylint", "astroid"):
            try:
                parts.append(f"{dist} {metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                parts.append(f"{dist} missing")
        return " ".join(parts) + f" py{_source.RUNNING}"

    def settings_key(self, ctx: AnalysisContext) -> str:
        """Cache-key material beyond the options: the rc file's content."""
        rcfile = self.rcfile
        if rcfile is None:
            return ""
        try:
            return rcfile.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return f"unreadable {rcfile}"

    def in_process(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
        """pylint runs in a child of its own (the launcher, through ``procs.python`` and ``procs.run``): this adapter's
        part needs no worker process."""
        return True

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options if isinstance(ctx.options, PylintOptions) else PylintOptions()
        present, notes = _source.targets(files, ctx.workdir, self.name)
        items, unparsable = _source.parsable(present, self.name)
        notes += unparsable
        if not items:
            return AnalyzerResult(notes=tuple(notes))
        rcfile = self.rcfile
        if rcfile is not None and not rcfile.is_file():
            return AnalyzerResult(error=f"rcfile {rcfile} does not exist", notes=tuple(notes))
        with tempfile.TemporaryDirectory(prefix="reviewbot-pylint-") as tmp:
            if rcfile is None:
                rcfile = Path(tmp) / "empty.pylintrc"
                rcfile.write_text("", encoding="utf-8")
            argv = [str(ctx.workdir.absolute()), f"--rcfile={rcfile}", "--persistent=n", "--score=n"]
            argv += ["--reports=n", "--output-format=json2", "--jobs=1", "--unsafe-load-any-extension=n"]
            if ctx.python:
                argv.append(f"--py-version={ctx.python}")
            if opts.profile == "defects":
                argv += ["--disable=all", "--enable=" + ",".join(DEFECTS)]
            if opts.enable:
                argv += ["--enable=" + ",".join(opts.enable)]
            if opts.disable:
                argv += ["--disable=" + ",".join(opts.disable)]
            argv += ["--enable=suppressed-message"]  # what a ``# pylint: disable`` in the code silenced (counted)
            argv += ["--", *(str(t.disk) for t in items)]
            argv = procs.python(("path", str(_LAUNCHER)), argv, deny=(ctx.workdir, ctx.repo_root), argv0="pylint")
            versioned_out = Path(tmp) / "versioned.jsonl"
            env = procs.tool_env({"PYLINTHOME": str(Path(tmp) / "home"), _VERSIONED_ENV: str(versioned_out)})
            run = procs.run(argv, timeout=opts.timeout, env=env)
            versioned = _read_versioned(versioned_out)
        if run.timed_out:
            return AnalyzerResult(error=_source.timed_out(opts.timeout, len(items)), notes=tuple(notes))
        if run.returncode is None:
            return AnalyzerResult(error=run.describe(), notes=tuple(notes))
        if run.returncode & USAGE or run.returncode < 0 or run.returncode > 63:
            return AnalyzerResult(error=run.describe(), notes=tuple(notes))
        try:
            messages = json.loads(run.stdout)["messages"]
            if not isinstance(messages, list):
                raise TypeError("messages is not a list")
        except (ValueError, KeyError, TypeError):
            return AnalyzerResult(error=run.describe(), notes=tuple(notes))
        by_path = _source.path_map(items)
        stdlib = {(by_path[p].path, ln, col, sym): mod for (p, ln, col, sym), mod in versioned.items() if p in by_path}
        ignored: dict[str, set[int]] = {}
        unpacked: dict[str, set[tuple[int, int]]] = {}
        dynamic: dict[str, str | None] = {}  # path -> how the module binds names at run time (_dynamic_names)
        fallbacks: dict[str, _name_fallbacks.Module] = {}
        rebinding: dict[str, _rebinding.Module] = {}
        contradicted = 0
        findings: list[Finding] = []
        silenced: list[Silenced] = []
        for msg in messages:
            if not isinstance(msg, dict):
                continue
            sf = by_path.get(str(msg.get("absolutePath", "")))
            msg_id = str(msg.get("messageId", ""))
            if msg_id == "I0020":
                silenced += _silenced(msg, sf, opts)
                continue
            if msg_id.startswith("F") or msg_id == "E0001":
                where = sf.path if sf else str(msg.get("path", "?"))
                notes.append(f"{where}: pylint {msg.get('symbol', msg_id)}: {msg.get('message', '')}".rstrip())
                continue
            if sf is None or msg_id in CONFIG_MESSAGES:
                continue
            if msg_id == "W0612":
                if sf.path not in unpacked:
                    unpacked[sf.path] = _unpacking_targets(sf.text)
                if (msg.get("line"), msg.get("column")) in unpacked[sf.path]:
                    continue
            if str(msg.get("symbol", "")) in _dynamic_names.UNKNOWABLE:
                if sf.path not in dynamic:
                    dynamic[sf.path] = _dynamic_names.binds_names_at_run_time(sf.text)
                    if dynamic[sf.path]:
                        notes.append(f"{sf.path}: binds global names at run time ({dynamic[sf.path]}); pylint's "
                                     "undefined names not reported")
                if dynamic[sf.path]:
                    continue
            if str(msg.get("symbol", "")) in _name_fallbacks.RULES:
                if sf.path not in fallbacks:
                    fallbacks[sf.path] = _name_fallbacks.Module(sf.text)
                if fallbacks[sf.path].contradicted(str(msg["symbol"]), str(msg.get("message", "")),
                                                   int(msg.get("line") or 0)):
                    contradicted += 1
                    continue
            if str(msg.get("symbol", "")) in _rebinding.RULES:
                if sf.path not in rebinding:
                    rebinding[sf.path] = _rebinding.Module(sf.text)
                if rebinding[sf.path].deliberate(str(msg.get("message", "")), int(msg.get("line") or 0)):
                    continue
            finding = _finding(msg, sf)
            module = stdlib.get((sf.path, finding.line, finding.column, finding.rule_id))
            if module is not None:
                if sf.path not in ignored:
                    ignored[sf.path] = _type_ignored_lines(sf.text)
                if ignored[sf.path] & set(range(finding.line, finding.end_line + 1)):
                    continue
                finding = _versioned(finding, module)
            if ctx.python and _PY_VERSION_SETTING in finding.message:
                supported = f"all versions the project supports (Python {ctx.python} and later)"
                finding = replace(finding, message=finding.message.replace(_PY_VERSION_SETTING, supported))
            findings.append(finding)
        if contradicted:
            notes.append(f"pylint: {contradicted} name error(s) not reported that Python's lookup rules contradict (a "
                         "builtin read outside a function before the module shadows it; a Python 2 name under a "
                         "version check)")
        if run.returncode & FATAL and not any("pylint" in n for n in notes):
            notes.append(f"pylint reported a fatal error: {run.describe()}")
        return AnalyzerResult(findings=tuple(findings), notes=tuple(notes), silenced=tuple(silenced))


def _silenced(msg: dict[str, Any], sf: SourceFile | None, opts: PylintOptions) -> list[Silenced]:
    """The message a ``# pylint: disable`` silenced, from pylint's ``suppressed-message`` (I0020) about it: only
    one this run would have reported (pylint also notes messages the profile leaves out)."""
    m = _SUPPRESSED.match(str(msg.get("message", "")))
    if sf is None or m is None:
        return []
    symbol = m.group(1)
    if symbol in opts.disable or (opts.profile == "defects" and symbol not in DEFECTS and symbol not in opts.enable):
        return []
    return [Silenced("pylint", symbol, sf.path, max(1, int(msg.get("line") or 1)), "pylint: disable")]


_PY_VERSION_SETTING = "all versions included in the py-version setting"  # W26xx: said in the project's terms
_VERSIONED_ENV = "REVIEWBOT_PYLINT_VERSIONED"  # _pylint_launcher.OUTPUT_ENV (the launcher imports nothing of ours)
_TYPE_IGNORE = re.compile(r"(?:^|#)\s*type:\s*ignore(?![\w-])")


def _read_versioned(path: Path) -> dict[tuple[str, int, int, str], str]:
    """The launcher's records: (absolute path, line, column, symbol) -> standard-library module."""
    out: dict[tuple[str, int, int, str], str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return out
    for line in lines:
        try:
            rec = json.loads(line)
            out[(str(rec["path"]), int(rec["line"]), int(rec["column"]), str(rec["symbol"]))] = str(rec["module"])
        except (ValueError, KeyError, TypeError):
            continue
    return out


def _type_ignored_lines(text: str) -> set[int]:
    """Lines with a ``# type: ignore`` comment (``# type:ignore[call-arg]``, after another comment, ...)."""
    out: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and _TYPE_IGNORE.search(tok.string):
                out.add(tok.start[0])
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return out


def _versioned(finding: Finding, module: str) -> Finding:
    """A finding that judged the code against this interpreter's standard library: said so, a warning at most."""
    severity = Severity.WARNING if finding.severity is Severity.ERROR else finding.severity
    note = f" (depends on the Python version: judged with {_source.RUNNING}'s standard library, module {module})"
    return replace(finding, severity=severity, message=finding.message + note)


def _unpacking_targets(text: str) -> set[tuple[int, int]]:
    """(line, column) of every name bound as one element of a tuple/list target (``a, b = ...``, ``for k, v``)."""
    tree = _source.parse_python(text)
    out: set[tuple[int, int]] = set()
    if isinstance(tree, SyntaxError):
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets: list[ast.expr] = list(node.targets)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            targets = [node.target]
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            targets = [node.optional_vars]
        else:
            continue
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        out.add((sub.lineno, sub.col_offset))
    return out


def _finding(msg: dict[str, Any], sf: SourceFile) -> Finding:
    line = max(1, int(msg.get("line") or 1))
    end_line = max(line, int(msg.get("endLine") or line))
    msg_id = str(msg.get("messageId", ""))
    symbol_name = str(msg.get("symbol", msg_id))
    kind = str(msg.get("type", "warning"))
    confidence = Confidence.HIGH if msg_id in SURE else _CONFIDENCE.get(str(msg.get("confidence")), Confidence.MEDIUM)
    return Finding(
        tool="pylint",
        rule_id=symbol_name,
        path=sf.path,
        line=line,
        end_line=end_line,
        severity=_SEVERITY.get(kind, Severity.WARNING),
        confidence=confidence,
        message=str(msg.get("message", "")).strip(),
        fingerprint=finding_fingerprint("pylint", symbol_name, sf.path, _source.code_at(sf.text, line, end_line)),
        column=int(msg.get("column") or 0),
        symbol=str(msg.get("obj") or ""),
        url=f"https://pylint.readthedocs.io/en/stable/user_guide/messages/{kind}/{symbol_name}.html",
    )
