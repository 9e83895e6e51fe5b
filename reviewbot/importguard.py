"""The bootstrap and import guard of every Python child reviewbot starts (``reviewbot.procs.python``).

A child runs as ``python -I -B -X utf8 -c <this file's text> SPEC ARGS...``: ``-I`` keeps the current and the
script's directory off ``sys.path`` and ignores ``PYTHON*`` variables and the user's site-packages, so nothing in the
reviewed tree is imported while the interpreter starts (``sitecustomize``, ``usercustomize``, a module named like a
standard one). SPEC (JSON) says what to run (``["module", "bandit"]``, ``["path", "/x/launcher.py"]``,
``["call", "pkg.mod:func"]``), the ``sys.path`` to use (the parent's, already cleaned; absent: the interpreter's
own), the roots to deny and the modules to pin.

Tools add directories of the files they analyze to ``sys.path`` (pylint does, while it lints), and then import
lazily: a reviewed file named like a module they import would run inside them. So the guard replaces the path
finder with one that never searches a ``sys.path`` entry, a package's ``__path__`` entry or a distribution path
located under a denied root (the scratch tree, the reviewed repository), unless it lies in the directory of a
pinned package or in the interpreter's own standard library and site-packages. Finding and *reading* files there,
as astroid does for analysis, is unaffected; importing them is not possible. Pinned modules are those the parent
was already running from under a denied root or from a ``sys.path`` entry the child does not get (reviewing
reviewbot's own checkout, tests run from it): the child may import exactly those files, and nothing else from
there.

Standard library only: it runs before ``sys.path`` is set, and imports nothing from reviewbot.
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import json
import os
import runpy
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Pinned = Mapping[str, tuple[str, list[str] | None]]  # module name -> (file, __path__ of a package or None)

_DENIED: tuple[str, ...] = ()
_EXEMPT: tuple[str, ...] = ()
_PINNED: dict[str, tuple[str, list[str] | None]] = {}
_VERDICTS: dict[str, bool] = {}


@functools.lru_cache(maxsize=1)
def install_dirs() -> tuple[str, ...]:
    """Where this interpreter's standard library and installed packages live (real paths): never denied, even when
    they lie inside a denied root (a virtualenv in the repository under review)."""
    import sysconfig

    paths = sysconfig.get_paths()
    found = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if paths.get(k)}
    return tuple(sorted({os.path.realpath(p) for p in found}))


def inside(path: str, roots: Iterable[str]) -> bool:
    """Whether the (real) ``path`` is one of ``roots`` or lies under one."""
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def allowed(entry: object) -> bool:
    """Whether the path finder may search this ``sys.path`` / ``__path__`` entry."""
    if not isinstance(entry, str):
        return True  # not a directory (path hook placeholders): the path finder skips what it cannot use
    verdict = _VERDICTS.get(entry) if os.path.isabs(entry) else None
    if verdict is None:
        real = os.path.realpath(entry or os.curdir)
        verdict = not inside(real, _DENIED) or inside(real, _EXEMPT)
        if os.path.isabs(entry):
            _VERDICTS[entry] = verdict
    return verdict


def _allowed(paths: Iterable[Any]) -> list[Any]:
    return [p for p in paths if allowed(p)]


class ConfinedPathFinder(importlib.machinery.PathFinder):
    """``PathFinder`` without the denied roots (in ``sys.meta_path`` in its place)."""

    @classmethod
    def find_spec(cls, fullname: str, path: Sequence[str] | None = None, target: Any = None) -> Any:
        pinned = _PINNED.get(fullname)
        if pinned is not None:
            from importlib.util import spec_from_file_location

            return spec_from_file_location(fullname, pinned[0], submodule_search_locations=pinned[1])
        return super().find_spec(fullname, _allowed(sys.path if path is None else path), target)

    @classmethod
    def _get_spec(cls, fullname: str, path: Any, target: Any = None) -> Any:  # namespace packages recompute here
        return super()._get_spec(fullname, _allowed(path), target)  # type: ignore[misc]

    @classmethod
    def find_distributions(cls, context: Any = None) -> Any:  # importlib.metadata: no distribution from the tree
        from importlib.metadata import DistributionFinder, MetadataPathFinder

        context = context if context is not None else DistributionFinder.Context()
        narrowed = DistributionFinder.Context(name=context.name, path=_allowed(context.path))
        return MetadataPathFinder.find_distributions(narrowed)


def install(denied: Iterable[str], pinned: Pinned | None = None) -> None:
    """Deny imports from under ``denied`` in this process (pinned modules excepted)."""
    global _DENIED, _EXEMPT
    _DENIED = tuple(dict.fromkeys(os.path.realpath(d) for d in denied if d))
    _PINNED.clear()
    for name, (file, locs) in (pinned or {}).items():
        _PINNED[name] = (file, list(locs) if locs is not None else None)
    pinned_dirs = (os.path.realpath(p) for _, locs in _PINNED.values() if locs for p in locs)
    _EXEMPT = (*install_dirs(), *pinned_dirs)
    _VERDICTS.clear()
    finders = [ConfinedPathFinder if f is importlib.machinery.PathFinder else f for f in sys.meta_path]
    if ConfinedPathFinder not in finders:
        finders.append(ConfinedPathFinder)
    sys.meta_path[:] = finders
    sys.path_importer_cache.clear()


def boot(argv: Sequence[str]) -> None:
    """Set up this child from SPEC (``argv[1]``) and run its target with the remaining arguments."""
    spec = json.loads(argv[1])
    here = os.path.realpath(os.getcwd())
    path = sys.path if spec.get("path") is None else spec["path"]
    sys.path[:] = [p for p in path if p and os.path.isabs(p) and os.path.realpath(p) != here]
    install(spec.get("deny") or (), {k: (v[0], v[1]) for k, v in (spec.get("pinned") or {}).items()})
    kind, target = spec["run"]
    sys.argv = [spec.get("argv0") or target, *argv[2:]]
    if kind == "module":
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    elif kind == "path":
        runpy.run_path(target, run_name="__main__")
    else:
        module, _, attr = target.partition(":")
        raise SystemExit(getattr(importlib.import_module(module), attr)())


if __name__ == "__main__":
    boot(sys.argv)
