"""Parts of the composite action's cache keys (action.yml runs this file with setup-python's interpreter before
reviewbot is installed: standard library only, started with ``python -I`` so no file beside it shadows a module).

Prints ``name=value`` lines for ``$GITHUB_OUTPUT``:

- ``digest``: a sha256 over what ``pip install`` takes from the action's folder: ``pyproject.toml`` (the
  dependencies) and every file under ``reviewbot/`` (symbolic links followed, bytecode skipped). An action whose code
  changed never restores an older environment, whatever its ref says. (``hashFiles()`` cannot do this: it only reads
  files under ``GITHUB_WORKSPACE``, and an action is downloaded outside it.)
- ``version``: reviewbot's version, so that people reading the cache list see which release an entry holds.
- ``base``: the pull request's base branch (``BASE_REF``) in characters a cache key may hold (no comma).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

_SKIPPED_DIRS = {"__pycache__"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]")
_VERSION = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.M)


def _files(folder: Path) -> Iterator[Path]:
    for here, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(names):
            if not name.endswith(_SKIPPED_SUFFIXES):
                yield Path(here) / name


def digest(action_path: Path) -> str:
    """Hex digest (20 characters) of ``pyproject.toml`` and the files under ``reviewbot/``, names included."""
    h = hashlib.sha256()
    for path in [action_path / "pyproject.toml", *_files(action_path / "reviewbot")]:
        h.update(path.relative_to(action_path).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:20]


def version(action_path: Path) -> str:
    m = _VERSION.search((action_path / "reviewbot" / "__init__.py").read_text(encoding="utf-8"))
    return _UNSAFE.sub("_", m.group(1)) if m else "unknown"


def branch(ref: str) -> str:
    return _UNSAFE.sub("_", ref.strip())[:100] or "none"


def outputs(action_path: Path, environ: Mapping[str, str]) -> dict[str, str]:
    return {
        "digest": digest(action_path),
        "version": version(action_path),
        "base": branch(environ.get("BASE_REF", "")),
    }


def main() -> int:
    action_path = Path(os.environ.get("ACTION_PATH") or Path(__file__).resolve().parents[2])
    for name, value in outputs(action_path, os.environ).items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
