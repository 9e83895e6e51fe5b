"""pylint: likely bugs in the changed files, not style.

pylint is the slowest tool (about 1 s a file with every checker on) and the noisiest, so by default it runs a
*defects* profile: the messages in ``DEFECTS`` below, chosen because they point at code that is wrong or dead and
are reliable when the project's dependencies are not importable (reviewbot lints a scratch copy holding only the
changed files). pylint skips checkers whose messages are all disabled, which is also most of its cost.

Trust: pylint executes the ``init-hook`` of any rc file it discovers from its working directory (``pylintrc``,
``.pylintrc``, ``pyproject.toml``, ``setup.cfg``, ``tox.ini``, parents included) and imports ``load-plugins``
modules. So it runs as a subprocess, from an empty temporary directory, with ``--rcfile`` naming an empty file of
ours (or the rc file of the *trusted* config), the allow-listed environment (no ``PYLINTRC``, no ``PYTHONPATH``)
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
from collections.abc import Mapping, Sequence
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Literal

from reviewbot import procs
from reviewbot.analyzers import _source
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.base import Options as BaseOptions

from reviewbot.models import AnalyzerResult, Confidence, Finding, Severity, finding_fingerprint

_LAUNCHER = Path(__file__).with_name("_pylint_launcher.py")  # pylint with astroid kept to the stdlib and the tree

# The default message list. E-class messages that hold without imports resolving, and W-class messages that
# flag wrong or dead code. Left out on purpose: import-error, no-name-in-module, relative-beyond-top-level
# (the scratch tree has no dependencies and only the changed files), no-member, not-callable, unsubscriptable and
# the other type-inference checks (false positives when inference is partial), assignment-from-no-return/none
# (template methods), possibly-used-before-assignment (flow-insensitive guesses), no-self-argument and
# self-cls-assignment (deliberate style in numeric code), unused-import (re-exports, side-effect imports),
# unused-argument, redefined-outer-name (pytest fixtures), broad-except, and every convention / refactor message.
# unused-variable is kept, but not for names bound by tuple unpacking (``a, b = pair``), which are reported by
# pylint and dropped here.
DEFECTS: tuple[str, ...] = (
    # definitions and scoping
    "init-is-generator",  # E0100
    "return-in-init",  # E0101
    "function-redefined",  # E0102
    "not-in-loop",  # E0103
    "return-outside-function",  # E0104
    "yield-outside-function",  # E0105
    "return-arg-in-generator",  # E0106
    "nonexistent-operator",  # E0107
    "duplicate-argument-name",  # E0108
    "abstract-class-instantiated",  # E0110
    "bad-reversed-sequence",  # E0111
    "too-many-star-expressions",  # E0112
    "invalid-star-assignment-target",  # E0113
    "star-needs-assignment-target",  # E0114
    "nonlocal-and-global",  # E0115
    "nonlocal-without-binding",  # E0117
    "used-prior-global-declaration",  # E0118
    "misplaced-format-function",  # E0119
    "access-member-before-definition",  # E0203
    "no-method-argument",  # E0211
    "invalid-slots-object",  # E0236
    "assigning-non-slot",  # E0237
    "invalid-slots",  # E0238
    "inherit-non-class",  # E0239
    "inconsistent-mro",  # E0240
    "duplicate-bases",  # E0241
    "class-variable-slots-conflict",  # E0242
    "invalid-class-object",  # E0243
    "non-iterator-returned",  # E0301
    "unexpected-special-method-signature",  # E0302
    "invalid-length-returned",  # E0303
    "invalid-bool-returned",  # E0304
    "invalid-index-returned",  # E0305
    "invalid-repr-returned",  # E0306
    "invalid-str-returned",  # E0307
    "invalid-bytes-returned",  # E0308
    "invalid-hash-returned",  # E0309
    "used-before-assignment",  # E0601
    "undefined-variable",  # E0602
    "undefined-all-variable",  # E0603
    "invalid-all-object",  # E0604
    "invalid-all-format",  # E0605
    "unpacking-non-sequence",  # E0633
    "potential-index-error",  # E0643
    # exceptions
    "bad-except-order",  # E0701
    "raising-bad-type",  # E0702
    "misplaced-bare-raise",  # E0704
    "bad-exception-cause",  # E0705
    "raising-non-exception",  # E0710
    "notimplemented-raised",  # E0711
    "catching-non-exception",  # E0712
    "bad-super-call",  # E1003
    # calls whose callee is known (same file): arity and keywords
    "no-value-for-parameter",  # E1120
    "too-many-function-args",  # E1121
    "unexpected-keyword-arg",  # E1123
    "redundant-keyword-arg",  # E1124
    "missing-kwoa",  # E1125
    "repeated-keyword",  # E1132
    "invalid-metaclass",  # E1139
    "dict-iter-missing-items",  # E1141
    "await-outside-async",  # E1142
    "unhashable-member",  # E1143
    "invalid-slice-step",  # E1144
    "async-context-manager-with-regular-with",  # E1145
    # logging and format strings
    "logging-unsupported-format",  # E1200
    "logging-format-truncated",  # E1201
    "logging-too-many-args",  # E1205
    "logging-too-few-args",  # E1206
    "bad-format-character",  # E1300
    "truncated-format-string",  # E1301
    "mixed-format-string",  # E1302
    "format-needs-mapping",  # E1303
    "missing-format-string-key",  # E1304
    "too-many-format-args",  # E1305
    "too-few-format-args",  # E1306
    "bad-string-format-type",  # E1307
    "bad-str-strip-call",  # E1310
    "invalid-envvar-value",  # E1507
    "yield-inside-async-function",  # E1700
    "not-async-context-manager",  # E1701
    "bare-name-capture-pattern",  # E1901
    "invalid-match-args-definition",  # E1902
    "too-many-positional-sub-patterns",  # E1903
    "multiple-class-sub-patterns",  # E1904
    "invalid-unicode-codec",  # E2501
    "bidirectional-unicode",  # E2502
    "invalid-character-backspace",  # E2510
    "invalid-character-carriage-return",  # E2511
    "invalid-character-sub",  # E2512
    "invalid-character-esc",  # E2513
    "invalid-character-nul",  # E2514
    "invalid-character-zero-width-space",  # E2515
    "positional-only-arguments-expected",  # E3102
    "invalid-field-call",  # E3701
    "modified-iterating-dict",  # E4702
    "modified-iterating-set",  # E4703
    # W: dead or wrong code
    "unreachable",  # W0101
    "dangerous-default-value",  # W0102
    "pointless-statement",  # W0104
    "expression-not-assigned",  # W0106
    "duplicate-key",  # W0109
    "useless-else-on-loop",  # W0120
    "confusing-with-statement",  # W0124
    "using-constant-test",  # W0125
    "missing-parentheses-for-call-in-test",  # W0126
    "self-assigning-variable",  # W0127
    "redeclared-assigned-name",  # W0128
    "assert-on-string-literal",  # W0129
    "duplicate-value",  # W0130
    "named-expr-without-context",  # W0131
    "pointless-exception-statement",  # W0133
    "return-in-finally",  # W0134
    "continue-in-finally",  # W0136
    "break-in-finally",  # W0137
    "comparison-with-callable",  # W0143
    "lost-exception",  # W0150
    "nan-comparison",  # W0177
    "assert-on-tuple",  # W0199
    "bad-staticmethod-argument",  # W0211
    "invalid-overridden-method",  # W0236
    "super-without-brackets",  # W0245
    "import-self",  # W0406
    "misplaced-future",  # W0410
    "global-variable-undefined",  # W0601
    "unused-variable",  # W0612
    "undefined-loop-variable",  # W0631
    "unbalanced-tuple-unpacking",  # W0632
    "cell-var-from-loop",  # W0640
    "unbalanced-dict-unpacking",  # W0644
    "duplicate-except",  # W0705
    "try-except-raise",  # W0706
    "binary-op-exception",  # W0711
    "raising-format-tuple",  # W0715
    "wrong-exception-operation",  # W0716
    "arguments-out-of-order",  # W1114
    "non-str-assignment-to-dunder-name",  # W1115
    "isinstance-second-argument-not-valid-type",  # W1116
    "kwarg-superseded-by-positional-arg",  # W1117
    "bad-format-string-key",  # W1300
    "unused-format-string-key",  # W1301
    "bad-format-string",  # W1302
    "missing-format-argument-key",  # W1303
    "unused-format-string-argument",  # W1304
    "format-combined-specification",  # W1305
    "missing-format-attribute",  # W1306
    "invalid-format-index",  # W1307
    "duplicate-string-formatting-argument",  # W1308
    "format-string-without-interpolation",  # W1310
    "anomalous-backslash-in-string",  # W1401
    "anomalous-unicode-escape-in-string",  # W1402
    "implicit-str-concat",  # W1404
    "bad-open-mode",  # W1501
    "boolean-datetime",  # W1502
    "redundant-unittest-assert",  # W1503
    "bad-thread-instantiation",  # W1506
    "shallow-copy-environ",  # W1507
    "invalid-envvar-default",  # W1508
    "subprocess-popen-preexec-fn",  # W1509
    "forgotten-debug-statement",  # W1515
    "method-cache-max-size-none",  # W1518
    "useless-with-lock",  # W2101
    "bad-chained-comparison",  # W3601
    "modified-iterating-list",  # W4701
    "looping-through-iterator",  # W4801
    # syntax newer than the project's oldest Python (--py-version); silent when the project declares none
    "using-f-string-in-unsupported-version",  # W2601
    "using-final-decorator-in-unsupported-version",  # W2602
    "using-exception-groups-in-unsupported-version",  # W2603
    "using-generic-type-syntax-in-unsupported-version",  # W2604
    "using-assignment-expression-in-unsupported-version",  # W2605
    "using-positional-only-args-in-unsupported-version",  # W2606
    "using-comprehension-unpacking-in-unsupported-version",  # W2607 (pylint 4; an older pylint ignores the name)
)

# Messages about pylint's own configuration or inline pragmas: never findings.
_CONFIG_MESSAGES = frozenset({"E0011", "E0012", "E0013", "E0014", "E0015", "W0012", "I0021", "I0022"})

# Purely syntactic or control-flow messages: pylint does not need inference to be right about them.
_SURE = frozenset(
    {
        "E0100", "E0101", "E0102", "E0103", "E0104", "E0105", "E0106", "E0108", "E0112", "E0115", "E0117",
        "E0118", "E0211", "E0601", "E0602", "E0704", "E1132", "E1142", "E1700", "E2502", "W0101",
        "W0102", "W0109", "W0133", "W0134", "W0150", "W0199", "W0631", "W0640", "W0705", "W1515",
        "W2601", "W2603", "W2604", "W2605", "W2606", "W2607",
    }
)  # fmt: skip

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
    """``[tool.reviewbot.pylint]``. An rc file is honoured only from the trusted config (``trusted['pylint']``)."""

    timeout: float = 300.0  # seconds per batch: large diffs need more than the base default
    profile: Literal["defects", "all"] = "defects"  # "all": pylint's defaults (or the trusted rcfile's)
    enable: tuple[str, ...] = ()  # added to the profile (message ids or symbols)
    disable: tuple[str, ...] = ()  # removed from it


class Pylint:
    name: ClassVar[str] = "pylint"
    Options: ClassVar[type[PylintOptions]] = PylintOptions
    per_file: ClassVar[bool] = True
    splittable: ClassVar[bool] = True

    def version(self) -> str:
        parts = []
        for dist in ("pylint", "astroid"):
            try:
                parts.append(f"{dist} {metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                parts.append(f"{dist} missing")
        return " ".join(parts) + f" py{_source.RUNNING}"

    def settings_key(self, ctx: AnalysisContext) -> str:
        """Cache-key material beyond the options: the trusted rc file's content."""
        rcfile = _trusted_rcfile(ctx)
        if rcfile is None:
            return ""
        try:
            return rcfile.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return f"unreadable {rcfile}"

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult:
        opts = ctx.options if isinstance(ctx.options, PylintOptions) else PylintOptions()
        present, notes = _source.targets(files, ctx.workdir, self.name)
        items, unparsable = _source.parsable(present, self.name)
        notes += unparsable
        if not items:
            return AnalyzerResult(notes=tuple(notes))
        rcfile = _trusted_rcfile(ctx)
        if rcfile is not None and not rcfile.is_file():
            return AnalyzerResult(error=f"rcfile {rcfile} from the trusted config does not exist", notes=tuple(notes))
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
        findings: list[Finding] = []
        for msg in messages:
            if not isinstance(msg, dict):
                continue
            sf = by_path.get(str(msg.get("absolutePath", "")))
            msg_id = str(msg.get("messageId", ""))
            if msg_id.startswith("F") or msg_id == "E0001":
                where = sf.path if sf else str(msg.get("path", "?"))
                notes.append(f"{where}: pylint {msg.get('symbol', msg_id)}: {msg.get('message', '')}".rstrip())
                continue
            if sf is None or msg_id in _CONFIG_MESSAGES:
                continue
            if msg_id == "W0612":
                if sf.path not in unpacked:
                    unpacked[sf.path] = _unpacking_targets(sf.text)
                if (msg.get("line"), msg.get("column")) in unpacked[sf.path]:
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
        if run.returncode & FATAL and not any("pylint" in n for n in notes):
            notes.append(f"pylint reported a fatal error: {run.describe()}")
        return AnalyzerResult(findings=tuple(findings), notes=tuple(notes))


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


def _trusted_rcfile(ctx: AnalysisContext) -> Path | None:
    section = ctx.trusted.get("pylint")
    if not isinstance(section, Mapping) or not section.get("rcfile"):
        return None
    return Path(str(section["rcfile"])).expanduser().absolute()


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
    confidence = Confidence.HIGH if msg_id in _SURE else _CONFIDENCE.get(str(msg.get("confidence")), Confidence.MEDIUM)
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
