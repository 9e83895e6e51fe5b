"""Child process of the pylint adapter: pylint with astroid confined to the standard library and the files under
review.

pylint runs on reviewbot's own interpreter, where astroid could load every package installed next to reviewbot
(libcst, pydantic, click, ...): calls into those would be checked against reviewbot's versions of them, not the
project's, and parsing them costs seconds. So any module astroid finds outside the standard library and the scratch
tree is treated as not importable, as it would be on a machine without the project's dependencies.

Run by path through ``reviewbot.procs.python`` (an isolated interpreter whose import guard refuses modules from the
scratch tree and the repository) as ``LAUNCHER WORKDIR PYLINT-ARGS...``, from an empty directory; never as a script
(the script's directory, ours, holds modules named ``pylint.py`` and ``radon.py``). Imports nothing from reviewbot.
"""

from __future__ import annotations

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

    AstroidManager.file_from_module_name = confined  # type: ignore[method-assign]
    return True


def main(argv: list[str]) -> None:
    confine(argv[1])
    from pylint import run_pylint

    sys.argv = ["pylint", *argv[2:]]
    run_pylint()


if __name__ == "__main__":
    main(sys.argv)
