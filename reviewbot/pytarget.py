"""The project's target Python: which versions the reviewed code is judged for.

Read from the repository root, first found wins:

1. ``python-version`` in ``[tool.reviewbot]`` (an override, e.g. ``"3.9"``);
2. ``[project] requires-python`` in pyproject.toml;
3. ``python_requires`` in setup.cfg (``[options]``);
4. ``python_requires=`` of the ``setup()`` call in setup.py, read with ``ast`` (never executed; a value that is not
   a string literal is not read);
5. the ``Programming Language :: Python :: 3.X`` classifiers of pyproject.toml, setup.cfg or setup.py (the lowest
   one listed is the minimum).

Specifiers are parsed with ``packaging``; the *minimum* is the lowest ``X.Y`` with a release the specifier admits.
The files are read from the reviewed change's base version when it has one (``config_trust.base_version``: the base
commit, HEAD, the patch's pre-image), since the target decides how strict the review is and a change should not
relax it for itself; when the base version declares nothing, from the tree. A value that cannot be used (not a
specifier, admits no Python, unreadable file) is a one-line warning, and the next source is tried.
"""

from __future__ import annotations

import ast
import configparser
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from reviewbot.models import Finding, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"
_CLASSIFIER = re.compile(r"Programming Language :: Python :: (\d+)\.(\d+)\s*$")
_CANDIDATES = [(2, minor) for minor in range(8)] + [(3, minor) for minor in range(40)]
_PATCHES = range(0, 60)

Read = Callable[[str], "bytes | None"]  # repository-relative path -> bytes (None: absent); may raise on bad files


@dataclass(frozen=True)
class Target:
    """The Python the review judges the code for."""

    minimum: str  # "3.8": the oldest X.Y the project supports (the running interpreter's when none is declared)
    spec: str = ""  # ">=3.8" as declared (or built from the classifiers); "" when none
    origin: str = ""  # "requires-python in pyproject.toml at HEAD"; "" when none is declared
    warnings: tuple[str, ...] = ()  # one line each: declarations that could not be used
    # The minimum the change itself declares when it raises the base's (the tree says ">=3.8", the base ">=3.7"):
    # the review is still judged for ``minimum``, but syntax the new minimum supports is not held against the change
    # (``lower_raised``). "" when the change does not raise it.
    raised_to: str = ""

    @property
    def declared(self) -> bool:
        return bool(self.origin)

    def describe(self) -> str:
        """The summary line: what the code was judged for, and whose standard library pylint knew."""
        if not self.declared:
            what = f"judged for Python {self.minimum} (the running interpreter; the project declares no version)"
        else:
            what = f"judged for Python {self.spec or self.minimum} ({self.origin})"
        return f"{what}; standard library of Python {RUNNING}"


def minimum_of(spec: SpecifierSet) -> str | None:
    """The lowest X.Y with a release (X.Y.0 to X.Y.59, no pre-release) that ``spec`` admits; None if none is."""
    for major, minor in _CANDIDATES:
        if any(spec.contains(f"{major}.{minor}.{patch}") for patch in _PATCHES):
            return f"{major}.{minor}"
    return None


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class _Declared:
    spec: str
    minimum: str
    origin: str


class _Collector:
    """Tries the declarations in order; the first usable one wins, the unusable ones leave a warning."""

    def __init__(self, read: Read, label: str) -> None:
        self.read, self.label = read, label
        self.warnings: list[str] = []
        self.classifiers: list[tuple[str, list[str]]] = []  # (file, classifiers) in order of precedence

    def where(self, path: str) -> str:
        return f"{path} at {self.label}" if self.label else path

    def text(self, path: str) -> str | None:
        try:
            data = self.read(path)
        except Exception as exc:  # noqa: BLE001 - an unsafe or unreadable file is a warning, never a crash
            self.warnings.append(f"{self.where(path)}: not read ({str(exc).splitlines()[0] if str(exc) else exc!r})")
            return None
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.warnings.append(f"{self.where(path)}: not UTF-8 text; not read for the target Python")
            return None

    def specifier(self, value: object, key: str, path: str) -> _Declared | None:
        origin = f"{key} in {self.where(path)}"
        if not isinstance(value, str):
            self.warnings.append(f"{origin}: {_shown(value)} is not a string; ignored")
            return None
        if not value.strip():
            self.warnings.append(f"{origin}: empty; ignored")
            return None
        try:
            spec = SpecifierSet(value)
        except InvalidSpecifier:
            self.warnings.append(f"{origin}: {_shown(value)} is not a version specifier; ignored")
            return None
        minimum = minimum_of(spec)
        if minimum is None:
            self.warnings.append(f"{origin}: {_shown(value)} admits no Python release; ignored")
            return None
        return _Declared(value.strip(), minimum, origin)

    def from_classifiers(self) -> _Declared | None:
        for path, classifiers in self.classifiers:
            versions = []
            for item in classifiers:
                match = _CLASSIFIER.match(item.strip()) if isinstance(item, str) else None
                if match:
                    versions.append((int(match[1]), int(match[2])))
            if versions:
                low = min(versions)
                origin = f"the Programming Language :: Python :: X.Y classifiers in {self.where(path)}"
                return _Declared(f">={low[0]}.{low[1]}", f"{low[0]}.{low[1]}", origin)
        return None

    def pyproject(self) -> _Declared | None:
        text = self.text("pyproject.toml")
        if text is None:
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            where = self.where("pyproject.toml")
            self.warnings.append(f"{where}: invalid TOML ({exc}); not read for the target Python")
            return None
        project = data.get("project")
        if not isinstance(project, dict):
            return None
        if isinstance(project.get("classifiers"), list):
            self.classifiers.append(("pyproject.toml", project["classifiers"]))
        if "requires-python" not in project:
            return None
        return self.specifier(project["requires-python"], "requires-python", "pyproject.toml")

    def setup_cfg(self) -> _Declared | None:
        text = self.text("setup.cfg")
        if text is None:
            return None
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(text, source="setup.cfg")
        except configparser.Error as exc:
            first = str(exc).splitlines()[0]
            self.warnings.append(f"{self.where('setup.cfg')}: not readable ({first}); not read for the target Python")
            return None
        if parser.has_option("metadata", "classifiers"):
            items = [line for line in parser.get("metadata", "classifiers").splitlines() if line.strip()]
            self.classifiers.append(("setup.cfg", items))
        if not parser.has_option("options", "python_requires"):
            return None
        return self.specifier(parser.get("options", "python_requires").strip(), "python_requires", "setup.cfg")

    def setup_py(self) -> _Declared | None:
        text = self.text("setup.py")
        if text is None:
            return None
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            self.warnings.append(f"{self.where('setup.py')}: does not parse; not read for the target Python")
            return None
        keywords = _setup_keywords(tree)
        classifiers = keywords.get("classifiers")
        if isinstance(classifiers, ast.AST):
            value = _literal(classifiers)
            if isinstance(value, (list, tuple)):
                self.classifiers.append(("setup.py", list(value)))
        node = keywords.get("python_requires")
        if node is None:
            return None
        value = _literal(node)
        if not isinstance(value, str):
            self.warnings.append(f"python_requires in {self.where('setup.py')}: not a string literal (setup.py is "
                                 "never run); ignored")
            return None
        return self.specifier(value, "python_requires", "setup.py")


def _literal(node: ast.AST) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _setup_keywords(tree: ast.Module) -> dict[str, ast.AST]:
    """The keyword arguments of the first ``setup(...)`` / ``setuptools.setup(...)`` call in setup.py."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name == "setup":
            return {kw.arg: kw.value for kw in node.keywords if kw.arg}
    return {}


def override(version: str) -> Target:
    """The target set by ``python-version`` in the config (already validated as X.Y)."""
    return Target(version, f">={version}", "the python-version setting of reviewbot's config")


def declared(read: Read, label: str = "") -> tuple[Target | None, tuple[str, ...]]:
    """The target the files ``read`` gives declare (None: none does), and warnings about unusable values."""
    collector = _Collector(read, label)
    found = collector.pyproject() or collector.setup_cfg() or collector.setup_py() or collector.from_classifiers()
    if found is None:
        return None, tuple(collector.warnings)
    return Target(found.minimum, found.spec, found.origin), tuple(collector.warnings)


def detect(readers: Sequence[tuple[Read, str]]) -> Target:
    """The first declaration among ``readers`` ((read, label): the base version, then the tree), or the running
    interpreter's version. Warnings of every reader tried are kept, each once."""
    warnings: dict[str, str] = {}  # without the label -> as said: the same bad value in the base and the tree once
    for i, (read, label) in enumerate(readers):
        found, problems = declared(read, label)
        for problem in problems:
            warnings.setdefault(problem.replace(f" at {label}", "") if label else problem, problem)
        if found is not None:
            raised = ""
            if label and i + 1 < len(readers):  # the base's declaration: does the tree (the change) raise it?
                head, _ = declared(*readers[-1])
                if head is not None and _key(head.minimum) > _key(found.minimum):
                    raised = head.minimum
            return Target(found.minimum, found.spec, found.origin, tuple(warnings.values()), raised)
    return Target(RUNNING, warnings=tuple(warnings.values()))


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# pylint's "syntax newer than the project's oldest Python" messages, by the Python that has the syntax
SYNTAX_SINCE = {
    "using-f-string-in-unsupported-version": "3.6",
    "using-final-decorator-in-unsupported-version": "3.8",
    "using-assignment-expression-in-unsupported-version": "3.8",
    "using-positional-only-args-in-unsupported-version": "3.8",
    "using-exception-groups-in-unsupported-version": "3.11",
    "using-generic-type-syntax-in-unsupported-version": "3.12",
}


def lower_raised(findings: Sequence[Finding], target: Target) -> list[Finding]:
    """``findings`` with pylint's version-syntax findings lowered to info (so they are not posted) where the change
    raises the project's minimum Python to one that has the syntax: the change drops the versions they are about.
    The review stays judged for the base's minimum (a change does not configure its own review); what it says about
    itself only decides how much such a finding matters, and the finding says why."""
    if not target.raised_to:
        return list(findings)
    out = []
    for f in findings:
        since = SYNTAX_SINCE.get(f.rule_id) if f.tool == "pylint" else None
        if since is not None and _key(target.raised_to) >= _key(since) and f.severity is not Severity.INFO:
            f = replace(f, severity=Severity.INFO, message=(
                f"{f.message} (this change raises the minimum Python to {target.raised_to}, which has this syntax;"
                f" the review is judged for the base's {target.minimum})"))
        out.append(f)
    return out


def for_review(source: Any, python_version: str | None) -> Target:
    """The target of a review of ``source`` (a ``reviewbot.sources.Source``): the config's override, else what the
    base version declares, else what the tree declares, else the running interpreter."""
    if python_version:
        return override(python_version)
    from reviewbot import config_trust

    root = getattr(source, "root", None)
    readers: list[tuple[Read, str]] = []
    base = config_trust.base_version(source)
    if base is not None and root is not None:
        readers.append((base.read, base.label))
    if root is not None:
        readers.append((tree_reader(Path(root)), ""))
    return detect(readers)


def tree_reader(root: Path) -> Read:
    """Files of the working tree under ``root`` (regular files only: a symlink is refused, never followed)."""
    from reviewbot.textio import read_regular_file

    def read(path: str) -> bytes | None:
        return read_regular_file(root, path)

    return read

