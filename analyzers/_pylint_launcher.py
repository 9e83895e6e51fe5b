"""Child process of the pylint adapter: pylint with astroid confined to the standard library and the files under
review.

pylint runs on reviewbot's own interpreter, where astroid could load every package installed next to reviewbot
(libcst, pydantic, click, ...): calls into those would be checked against reviewbot's versions of them, not the
project's, and parsing them costs seconds. So any module astroid finds outside the standard library and the scratch
tree is treated as not importable, as it would be on a machine without the project's dependencies.

It also tells which messages judge the code against the standard library (a call to ``tempfile.TemporaryDirectory``
with a keyword only Python 3.12 has, ``no-member`` on a module of the standard library, ...): such verdicts depend on
the interpreter's version, not on the code alone. For the messages in ``VERSIONED``, astroid's inference of the
callee, the attribute's owner or the imported module (``safe_infer``: one unambiguous answer) decides: the module it
comes from is in the standard library when its top-level name is in ``sys.stdlib_module_names`` and its file, if it
has one, lies in the interpreter's stdlib directories (a reviewed ``tempfile.py`` next to the code is not the
standard library). ``import-error`` for a module named in ``sys.stdlib_module_names`` counts too. Each such message
is written as one JSON line (absolute path, line, column, symbol, module) to the file ``REVIEWBOT_PYLINT_VERSIONED``
names, when set.

Run by path through ``reviewbot.procs.python`` (an isolated interpreter whose import guard refuses modules from the
scratch tree and the repository) as ``LAUNCHER WORKDIR PYLINT-ARGS...``, from an empty directory; never as a script
(the script's directory, ours, holds modules named ``pylint.py`` and ``radon.py``). Imports nothing from reviewbot.
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig


def _roots(workdir: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    paths = sysconfig.get_paths()
    allowed = {os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib")} | {os.path.realpath(workdir)}
    denied = {os.path.realpath(paths[k]) for k in ("purelib", "platlib")}
    return tuple(allowed), tuple(denied)


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def confine(workdir: str) -> bool:
    """Make astroid refuse modules outside the stdlib and ``workdir``; False when this astroid has no such hook."""
    from astroid.exceptions import AstroidImportError
    from astroid.manager import AstroidManager

    original = getattr(AstroidManager, "file_from_module_name", None)
    if original is None:
        return False
    allowed, denied = _roots(workdir)

    def confined(self, modname, contextfile):  # type: ignore[no-untyped-def]
        found = original(self, modname, contextfile)
        location = getattr(found, "location", None)
        if location:
            real = os.path.realpath(location)
            parts = set(real.split(os.sep))
            third_party = _inside(real, denied) or "site-packages" in parts or "dist-packages" in parts
            if third_party or not _inside(real, allowed):
                raise AstroidImportError(f"{modname}: not part of the review (installed next to reviewbot)")
        return found

    AstroidManager.file_from_module_name = confined
    return True


VERSIONED = frozenset(
    {
        "no-value-for-parameter", "too-many-function-args", "unexpected-keyword-arg", "redundant-keyword-arg",
        "missing-kwoa", "no-member", "no-name-in-module", "import-error", "not-callable",
    }
)  # fmt: skip
OUTPUT_ENV = "REVIEWBOT_PYLINT_VERSIONED"


def _stdlib_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    return tuple({os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib")})


def is_stdlib(module: object) -> bool:
    """Whether an astroid Module is the standard library's (by name and, when it has a file, by where it lies)."""
    name = str(getattr(module, "name", "") or "")
    top = name.split(".", 1)[0]
    if top not in sys.stdlib_module_names and top != "builtins":
        return False
    location = getattr(module, "file", None)
    if not location:
        return True  # built into the interpreter (builtins, sys, _io) or built by astroid from the living module
    real = os.path.realpath(location)
    parts = set(real.split(os.sep))
    return _inside(real, _stdlib_dirs()) and "site-packages" not in parts and "dist-packages" not in parts


def stdlib_module(symbol: str, node: object, args: object) -> str:
    """The standard-library module a VERSIONED message judges ``node`` against; "" when it is not one."""
    from astroid import nodes
    from astroid.util import UninferableBase
    from pylint.checkers.utils import safe_infer

    if symbol == "import-error":
        name = args[0] if isinstance(args, tuple) and args else ""
        name = str(name).strip("'\"")
        return name if name.split(".", 1)[0] in sys.stdlib_module_names else ""
    if symbol == "no-name-in-module" and isinstance(node, nodes.ImportFrom):
        try:
            module = node.do_import_module(node.modname)
        except Exception:  # noqa: BLE001 - astroid cannot import it: not something we can attribute
            return ""
        return module.name if is_stdlib(module) else ""
    if isinstance(node, nodes.Call):
        target = node.func
    elif isinstance(node, nodes.Attribute):
        target = node.expr
    else:
        return ""
    inferred = safe_infer(target)
    if inferred is None or isinstance(inferred, UninferableBase):
        return ""
    try:
        module = inferred.root()
    except Exception:  # noqa: BLE001
        return ""
    return str(module.name) if is_stdlib(module) else ""


def record_versioned(output: str) -> bool:
    """Write each VERSIONED message about the standard library to ``output`` (JSON lines); False without pylint's
    hook."""
    from pylint.lint import PyLinter

    original = getattr(PyLinter, "add_message", None)
    if original is None:
        return False

    def add_message(  # type: ignore[no-untyped-def]
        self, msgid, line=None, node=None, args=None, confidence=None, col_offset=None, end_lineno=None,
        end_col_offset=None,
    ):
        try:
            _note(self, output, msgid, line, node, args, col_offset)
        except Exception:  # noqa: BLE001 - the note is an extra: never lose the message for it
            pass
        return original(self, msgid, line, node, args, confidence, col_offset, end_lineno, end_col_offset)

    PyLinter.add_message = add_message  # type: ignore[method-assign]
    return True


def _note(linter: object, output: str, msgid: str, line: object, node: object, args: object, col: object) -> None:
    if node is None:
        return
    for definition in linter.msgs_store.get_message_definitions(msgid):  # type: ignore[attr-defined]
        if definition.symbol not in VERSIONED:
            continue
        module = stdlib_module(definition.symbol, node, args)
        if not module:
            continue
        path = getattr(node.root(), "file", None)  # type: ignore[attr-defined]
        if not path:
            continue
        line = line or getattr(node, "fromlineno", None)
        col = col if col is not None else getattr(node, "col_offset", None)
        record = {"path": os.path.realpath(path), "line": line, "column": col or 0, "symbol": definition.symbol,
                  "module": module}
        with open(output, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


def main(argv: list[str]) -> None:
    confine(argv[1])
    output = os.environ.get(OUTPUT_ENV)
    if output:
        record_versioned(output)
    from pylint import run_pylint

    sys.argv = ["pylint", *argv[2:]]
    run_pylint()


if __name__ == "__main__":
    main(sys.argv)
