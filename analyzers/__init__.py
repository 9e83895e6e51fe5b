"""Analyzer adapters and their registry (shipped as ``reviewbot.analyzers``).

The registry is a literal mapping: greppable, nothing scanned at import. Adapters are imported lazily so that
``reviewbot --help`` stays fast. Third-party analyzers register through the ``reviewbot.analyzers`` entry point group.
"""

from __future__ import annotations

import functools
import importlib
import sys
from importlib import metadata

from reviewbot.analyzers.base import Analyzer
from reviewbot.errors import ConfigError

# name -> "module:attribute" of the adapter class
BUILTIN: dict[str, str] = {
    "facts": "reviewbot.analyzers.facts:Facts",
    "bandit": "reviewbot.analyzers.bandit:Bandit",
    "pylint": "reviewbot.analyzers.pylint:Pylint",
    "radon": "reviewbot.analyzers.radon:Radon",
    "semgrep": "reviewbot.analyzers.semgrep:Semgrep",
}

DEFAULT_ENABLED: tuple[str, ...] = tuple(BUILTIN)

# What the commit hook (``reviewbot review --hook``) runs unless ``hook-analyzers`` says otherwise: the analyzers
# that fit a linter's time on a one-file commit and still block what a commit should not record (measured with
# bench/precommit.py): bandit (security) and facts (syntax errors, callers left behind by a changed signature).
# pylint (astroid) and semgrep cost seconds of start-up; radon reports complexity, which blocks nothing.
HOOK_DEFAULT: tuple[str, ...] = ("facts", "bandit")


def available() -> dict[str, str]:
    """Every known analyzer: the built-in ones plus entry points (built-ins win on a name clash)."""
    found = dict(BUILTIN)
    for name, value in _entry_points(tuple(sys.path)):
        found.setdefault(name, value)
    return found


@functools.lru_cache(maxsize=4)
def _entry_points(path: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The ``reviewbot.analyzers`` entry points found on ``path`` (scanning every distribution takes a while: once
    per ``sys.path``)."""
    return tuple((ep.name, ep.value) for ep in metadata.entry_points(group="reviewbot.analyzers"))


def load(name: str) -> Analyzer:
    """Instantiate the adapter called ``name``; a failure to import it is a ConfigError naming it."""
    target = available().get(name)
    if target is None:
        known = ", ".join(sorted(available())) or "none"
        raise ConfigError(f"unknown analyzer {name!r} (known: {known})")
    module_name, _, attr = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"analyzer {name!r} could not be loaded from {target}: {exc}") from exc
    return cls()
