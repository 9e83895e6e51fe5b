"""Know what code runs: each changed Python file is ``source``, ``tests`` or ``data`` (inputs to tests or tools).

In this order, the first rule that applies decides (the reason is kept for the summary and the JSON report):

1. the config (``[tool.reviewbot.files]``: ``source``, ``tests``, ``data`` lists of globs, matched like
   ``include``/``exclude``: against the whole path or the file name; when globs of several lists match, the longest
   glob wins);
2. the path: a directory named like test data anywhere (``testdata``, ``test_data``, ``test-data``, ``fixtures``,
   ``__snapshots__``, ``snapshots``), or under a tests directory a directory of inputs (``tests/data/``,
   ``tests/resources/``, ``tests/samples/``, ``tests/examples/``, ``tests/inputs/``, ...): data;
3. for a file under a tests directory that is not a test module (``test_*.py``, ``*_test.py``, ``conftest.py``):
   data when a test module reads it as text (names the file in a string literal and opens or reads something: the
   test modules of the change, then, with one ``git grep``, those of the tree), when it does not parse, or when its
   findings show it is no real module (``NOT_A_MODULE`` findings, at least ``NOT_A_MODULE_MIN``);
4. a tests directory (``tests``, ``test``, ``testing``) or a test module name: tests;
5. everything else: source. Package code is never reclassified by its findings: a syntax error or an undefined
   name in a module that runs is what a review must show.

In test code, bandit's findings are info at most (``in_test_code``): bandit matches a dangerous call or setting
wherever it is, whatever flows into it, and in a test the data is the test's own and the code does not ship.
semgrep's default ignore skips test directories for the same reason, and so do the rules of our pack that match a
call or setting alone (``paths: exclude`` in rules/security); taint rules, where a request's data must reach the
sink, still report in tests.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from reviewbot import blobs, git
from reviewbot.errors import ReviewbotError
from reviewbot.kindsummary import summary_line as summary_line  # re-exported: its home before
from reviewbot.models import ClassifiedFile, FileKind, Finding, Severity, SourceFile
from reviewbot.textio import MAX_FILE_BYTES

TEST_DIRS = frozenset({"tests", "test", "testing"})
DATA_DIRS = frozenset({"testdata", "test_data", "test-data", "fixtures", "__snapshots__", "snapshots"})
# directories of inputs when they sit under a tests directory
DATA_UNDER_TESTS = frozenset({
    "data", "resources", "samples", "sample", "examples", "inputs", "input", "outputs", "expected", "golden", "assets",
    "files",
})
# findings that say "this file is not a module that runs" (pylint symbols)
NOT_A_MODULE = frozenset({
    "undefined-variable", "function-redefined", "used-before-assignment", "return-outside-function",
    "yield-outside-function", "not-in-loop", "nonlocal-without-binding", "undefined-all-variable",
})
NOT_A_MODULE_MIN = 3
# tools whose security checks match a call or setting alone (no data flow): info at most in test code
SINK_ONLY_TOOLS = frozenset({"bandit"})
IN_TEST_CODE = " (in test code: the data is the test's own and the code does not ship)"
_READS = re.compile(r"\b(?:open|read_text|read_bytes|read|load|loads)\s*\(")
TREE_NAMES = 50  # file names looked up in the tree's test modules, at most
TREE_MODULES = 50  # test modules of the tree read, at most
TEST_PATHSPECS = (":(glob)**/test_*.py", ":(glob)**/*_test.py", ":(glob)**/conftest.py")

# names of files -> {name: the test module that reads it}
Readers = Callable[[Sequence[str]], Mapping[str, str]]


class FileKindSettings(BaseModel):
    """``[tool.reviewbot.files]``: globs that decide a file's kind before any heuristic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    data: tuple[str, ...] = ()

    @field_validator("source", "tests", "data")
    @classmethod
    def _globs(cls, globs: tuple[str, ...]) -> tuple[str, ...]:
        for g in globs:
            if not g.strip():
                raise ValueError("an empty glob matches nothing")
            if g.startswith("/") or "\\" in g:
                raise ValueError(f"{g!r}: write a repository-relative glob with / (e.g. tests/golden/*)")
        return globs


def _matches(path: str, pattern: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(name, pattern)


def _configured(path: str, config: FileKindSettings) -> ClassifiedFile | None:
    hits = [
        (len(pattern), -order, kind, pattern)
        for order, (kind, patterns) in enumerate(
            ((FileKind.DATA, config.data), (FileKind.TESTS, config.tests), (FileKind.SOURCE, config.source))
        )
        for pattern in patterns
        if _matches(path, pattern)
    ]
    if not hits:
        return None
    _, _, kind, pattern = max(hits)
    return ClassifiedFile(path, kind, f"config: {kind.value} = {pattern!r}")


def is_test_module(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    return name == "conftest.py" or stem.startswith("test_") or stem.endswith("_test")


def _tests_dir(path: str) -> int | None:
    """The index of the first tests directory in ``path``'s directories, or None."""
    dirs = path.split("/")[:-1]
    return next((i for i, d in enumerate(dirs) if d.lower() in TEST_DIRS), None)


def by_path(path: str, config: FileKindSettings | None = None) -> ClassifiedFile:
    """The kind of ``path`` from the config and its name alone (rules 1, 2, 4, 5)."""
    if config is not None:
        chosen = _configured(path, config)
        if chosen is not None:
            return chosen
    dirs = path.split("/")[:-1]
    for i, d in enumerate(dirs):
        if d.lower() in DATA_DIRS:
            return ClassifiedFile(path, FileKind.DATA, f"under {'/'.join(dirs[: i + 1])}/")
    tests_at = _tests_dir(path)
    if tests_at is not None:
        for i in range(tests_at + 1, len(dirs)):
            if dirs[i].lower() in DATA_UNDER_TESTS:
                return ClassifiedFile(path, FileKind.DATA, f"under {'/'.join(dirs[: i + 1])}/")
        if is_test_module(path):
            return ClassifiedFile(path, FileKind.TESTS, "test module")
        return ClassifiedFile(path, FileKind.TESTS, f"under {'/'.join(dirs[: tests_at + 1])}/")
    if is_test_module(path):
        return ClassifiedFile(path, FileKind.TESTS, "test module")
    return ClassifiedFile(path, FileKind.SOURCE, "package code (no test or data rule applies)")


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning of odd escapes in inputs
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _literal(name: str) -> re.Pattern[str]:
    return re.compile(r"""["'](?:[^"'\n]*[/\\])?""" + re.escape(name) + r"""["']""")


def _reader(name: str, tests: Sequence[SourceFile]) -> str | None:
    """The first test module that names ``name`` in a string and reads something, or None."""
    literal = _literal(name)
    for sf in tests:
        if literal.search(sf.text) and _READS.search(sf.text):
            return sf.path
    return None


def tree_readers(root: Path | None, rev: str | None) -> Readers:
    """The test modules of the tree (at ``rev``, or the working tree) that read files of these names as text: one
    ``git grep`` for the names, then the few modules it lists. Nothing when there is no repository."""

    def readers(names: Sequence[str]) -> Mapping[str, str]:
        names = list(dict.fromkeys(names))[:TREE_NAMES]
        if root is None or not names:
            return {}
        args = ["grep", "-l", "-z", "-F", "-I", *(a for n in names for a in ("-e", n))]
        try:
            proc = git.run([*args, *([rev] if rev else []), "--", *TEST_PATHSPECS], root, check=False, timeout=30)
        except ReviewbotError:
            return {}
        found: dict[str, str] = {}
        prefix = f"{rev}:" if rev else ""
        paths = [p for raw in proc.stdout.split(b"\0")[:TREE_MODULES] if (p := raw.decode(
            "utf-8", "surrogateescape").removeprefix(prefix))]
        read = blobs.read_many(root, [f"{rev}:{p}" for p in paths], largest=MAX_FILE_BYTES) if rev else {}
        for path in paths:
            data = read.get(f"{rev}:{path}")
            text = data.decode("utf-8", "replace") if data is not None else _tree_text(root, rev, path)
            if text is None or not _READS.search(text):
                continue
            for n in names:
                if n not in found and _literal(n).search(text):
                    found[n] = path
        return found

    return readers


def _tree_text(root: Path, rev: str | None, path: str) -> str | None:
    try:
        if rev:
            proc = git.run(["cat-file", "-p", f"{rev}:{path}"], root, check=False)
            return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None
        full = root / path
        if full.is_symlink() or not full.is_file():
            return None
        return full.read_text(encoding="utf-8", errors="replace")
    except (OSError, ReviewbotError):
        return None


@dataclass(frozen=True)
class Classification:
    """The kind of every reviewed file, with the reason."""

    files: tuple[ClassifiedFile, ...] = ()
    config: FileKindSettings = FileKindSettings()

    def of(self, path: str) -> ClassifiedFile:
        """The classified file ``path``; a file not reviewed (a caller elsewhere) is classified by its path."""
        for f in self.files:
            if f.path == path:
                return f
        return by_path(path, self.config)

    def kind(self, path: str) -> FileKind:
        return self.of(path).kind

    def counts(self) -> dict[FileKind, int]:
        out = {k: 0 for k in FileKind}
        for f in self.files:
            out[f.kind] += 1
        return out


def classify(
    files: Sequence[SourceFile],
    config: FileKindSettings,
    findings: Iterable[Finding] = (),
    readers: Readers | None = None,
) -> Classification:
    """Every file of ``files`` as source, tests or data (see the module docstring for the rules); ``readers``
    finds the test modules of the tree that read a file (``tree_readers``)."""
    not_module = Counter(f.path for f in findings if f.tool == "pylint" and f.rule_id in NOT_A_MODULE)
    test_modules = [sf for sf in files if is_test_module(sf.path) and by_path(sf.path).kind is FileKind.TESTS]
    chosen = [by_path(sf.path, config) for sf in files]
    helpers = [
        i for i, (sf, c) in enumerate(zip(files, chosen))
        if c.kind is FileKind.TESTS and not c.reason.startswith("config:") and not is_test_module(sf.path)
    ]
    in_change = {i: _reader(_name(files[i].path), [t for t in test_modules if t.path != files[i].path]) for i in helpers}
    unread = [_name(files[i].path) for i in helpers if in_change[i] is None]
    in_tree = readers(unread) if readers is not None and unread else {}
    for i in helpers:
        reader = in_change[i] or in_tree.get(_name(files[i].path))
        chosen[i] = _by_content(files[i], reader, not_module[files[i].path]) or chosen[i]
    return Classification(tuple(chosen), config)


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _by_content(sf: SourceFile, reader: str | None, not_module: int) -> ClassifiedFile | None:
    """Rule 3: a helper file under tests that is really an input."""
    if reader is not None and reader != sf.path:
        return ClassifiedFile(sf.path, FileKind.DATA, f"read as text by {reader}")
    if not _parses(sf.text):
        return ClassifiedFile(sf.path, FileKind.DATA, "does not parse as Python")
    if not_module >= NOT_A_MODULE_MIN:
        return ClassifiedFile(sf.path, FileKind.DATA, f"{not_module} undefined names or redefinitions")
    return None


def matters_in_data(category: str, cwe: int | None) -> bool:
    """Whether a finding or comment in a data file is still reported: secrets and security issues only."""
    return category == "security" or cwe is not None


def in_test_code(findings: Sequence[Finding], kinds: Classification) -> tuple[tuple[Finding, ...], int]:
    """``findings`` with those of ``SINK_ONLY_TOOLS`` in test files at info level, and how many were lowered."""
    out: list[Finding] = []
    lowered = 0
    for f in findings:
        if f.tool in SINK_ONLY_TOOLS and f.severity is not Severity.INFO and kinds.kind(f.path) is FileKind.TESTS:
            out.append(replace(f, severity=Severity.INFO, message=f.message + IN_TEST_CODE))
            lowered += 1
        else:
            out.append(f)
    return tuple(out), lowered
