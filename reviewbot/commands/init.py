"""``reviewbot init``: write a commented starter configuration.

Into ``pyproject.toml`` when the directory has one (the ``[tool.reviewbot]`` table is appended as text, so every
existing byte — comments, formatting, other tables — stays as it was), else into a new ``.reviewbot.toml``. An
existing configuration is never replaced without ``--force``; the written file is loaded back with the real config
loader, and restored if that fails.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from reviewbot.errors import ConfigError, ReviewbotError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DOTFILE = ".reviewbot.toml"
PYPROJECT = "pyproject.toml"

_TEMPLATE = """\
{header}# reviewbot: static-analysis-augmented code review. Every key is optional; the values shown are the defaults.
# Command-line flags and REVIEWBOT_* environment variables override this file.

# Exit 1 (fail the commit, the push or the CI job) when a comment reaches this level: "none", "info", "warning",
# "error".
fail-on = "error"

# Which findings are reported: "added" (on lines the change adds), "diff_context" (anywhere in the changed hunks),
# "file" (anywhere in a changed file), "nofilter" (everything).
filter = "added"

# Analyzers to run; default: all built-in ones{analyzers_note}.
# analyzers = [{analyzers}]

# What the commit hook runs (pre-commit hook id "reviewbot", `reviewbot review --hook`); default: the fast ones
# among `analyzers`. Hook id "reviewbot-full" runs every analyzer instead.
# hook-analyzers = [{hook_analyzers}]

# Files to review (glob patterns on the repository path or the file name), and files to leave out.
# include = ["*.py", "*.pyi"]
# exclude = ["migrations/*", "*_pb2.py"]

# Noise budget: at most this many comments in a review and per file, each scoring at least min-score (0..1).
# max-comments = 10
# max-comments-per-file = 3
# min-score = 0.5

# Analyzer result cache (in the user cache directory unless cache-dir is set) and parallel analyzer processes.
# cache = true
# jobs = 4

# Re-analyse every suggested fix before showing it (fixes that do not parse or add findings are dropped).
# verify = true

# Hosts that links and images in comments may point to, besides the repository's own host (in the Action). Every
# other link the model or an analyzer writes is removed or defanged before anything is published.
# link-hosts = ["docs.python.org"]

# The LLM reviewer is opt-in: without a provider the review is static-only (fast and offline, as in the
# pre-commit hook). Any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio) works with provider
# "openai" and its base-url.
# [{prefix}llm]
# provider = "openai"             # or "azure", "github" (GitHub Models), "anthropic"
# model = "gpt-4o-mini"
# base-url = "https://api.openai.com/v1"
# api-key-env = "OPENAI_API_KEY"  # the variable holding the key; the key never goes into this file
"""


def starter(kind: str, analyzers: tuple[str, ...]) -> str:
    """The starter config text for ``pyproject.toml`` (``kind == "pyproject"``) or ``.reviewbot.toml``."""
    from reviewbot.analyzers import HOOK_DEFAULT

    listed = ", ".join(f'"{a}"' for a in analyzers)
    return _TEMPLATE.format(
        hook_analyzers=", ".join(f'"{a}"' for a in HOOK_DEFAULT if a in analyzers),
        header="[tool.reviewbot]\n" if kind == "pyproject" else "",
        prefix="tool.reviewbot." if kind == "pyproject" else "",
        analyzers=listed,
        analyzers_note=f" ({', '.join(analyzers)})" if analyzers else "",
    )


_OUR_HEADER = re.compile(r"""^\s*\[\[?\s*(?:tool|"tool"|'tool')\s*\.\s*(?:reviewbot|"reviewbot"|'reviewbot')\s*[.\]]""")
_ANY_HEADER = re.compile(r"^\s*\[")


def without_table(text: str) -> str:
    """``text`` without the ``[tool.reviewbot]`` table and its sub-tables (line-based; checked by the caller)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if _ANY_HEADER.match(line):
            skipping = bool(_OUR_HEADER.match(line))
        if not skipping:
            out.append(line)
    return "".join(out)


def _parse(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML, not touching it: {exc}") from None


def _has_table(data: dict[str, Any]) -> bool:
    tool = data.get("tool")
    return isinstance(tool, dict) and "reviewbot" in tool


def _without_ours(data: dict[str, Any]) -> dict[str, Any]:
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return data
    rest = {k: v for k, v in tool.items() if k != "reviewbot"}
    return {**{k: v for k, v in data.items() if k != "tool"}, **({"tool": rest} if rest else {})}


def pyproject_text(old: str, path: Path, table: str, force: bool) -> str:
    """The new pyproject.toml text: ``old`` byte for byte, plus the table (replacing an existing one with force)."""
    data = _parse(old, path)
    base = old
    if _has_table(data):
        if not force:
            raise ReviewbotError(f"{path} already has a [tool.reviewbot] table (use --force to replace it)")
        base = without_table(old)
        if _parse(base, path) != _without_ours(data):
            raise ReviewbotError(
                f"{path}: [tool.reviewbot] is not written as plain tables, so it cannot be replaced safely; "
                "remove it by hand and run `reviewbot init` again"
            )
    newline = "\r\n" if "\r\n" in old else "\n"
    if base and not base.endswith(("\n", "\r")):
        base += newline
    sep = newline if base.strip() and not base.endswith(newline * 2) else ""
    new = base + sep + table.replace("\n", newline)
    if _without_ours(_parse(new, path)) != _without_ours(data):
        raise ReviewbotError(f"{path}: adding the table would change the rest of the file; not touching it")
    return new


def _write_atomic(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".reviewbot-tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise ReviewbotError(f"{path}: cannot write ({exc.strerror or exc})") from exc


def _read(path: Path) -> bytes:
    if path.is_symlink():
        raise ReviewbotError(f"{path} is a symlink; not following it")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReviewbotError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _shadows(pyproject: Path) -> bool:
    try:
        return _has_table(_parse(pyproject.read_bytes().decode("utf-8", "replace"), pyproject))
    except (OSError, ReviewbotError):
        return False


@click.command()
@click.option("--force", is_flag=True, help="Replace an existing reviewbot configuration.")
@click.option("--dotfile", is_flag=True, help=f"Write {DOTFILE} even when there is a {PYPROJECT}.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project directory (where the config is looked up from).",
)
def init(force: bool, dotfile: bool, directory: Path) -> int:
    """Write a commented starter config into pyproject.toml (or .reviewbot.toml).

    \b
    Existing content is kept byte for byte; an existing reviewbot config is only replaced with --force.
    """
    from reviewbot import analyzers as registry
    from reviewbot import config

    directory = directory.resolve()
    if not directory.is_dir():
        raise ReviewbotError(f"{directory}: no such directory")
    pyproject, dot = directory / PYPROJECT, directory / DOTFILE
    if dot.exists() or dot.is_symlink():
        target, kind = dot, "dotfile"
        if not force:
            raise ReviewbotError(f"{dot} already exists (use --force to replace it)")
    elif pyproject.exists() and not dotfile:
        target, kind = pyproject, "pyproject"
    else:
        target, kind = dot, "dotfile"
    table = starter(kind, tuple(registry.DEFAULT_ENABLED))
    old: bytes | None = None
    if kind == "pyproject":
        old = _read(target)
        try:
            old_text = old.decode("utf-8")
        except UnicodeDecodeError:
            raise ReviewbotError(f"{target}: not UTF-8 text; not touching it") from None
        new = pyproject_text(old_text, target, table, force).encode("utf-8")
    else:
        if target.exists():
            old = _read(target)
        new = table.encode("utf-8")
    _write_atomic(target, new)
    try:
        config.load(start=directory, config_path=target, environ={})
    except ReviewbotError as exc:
        if old is None:
            target.unlink()
        else:
            _write_atomic(target, old)
        raise ReviewbotError(f"the starter config did not validate, nothing written: {exc}") from None
    where = target.name if Path.cwd() == directory else str(target)
    click.echo(f"reviewbot: wrote a starter config to {where}" + (" ([tool.reviewbot])" if kind == "pyproject" else ""))
    if kind == "dotfile" and pyproject.is_file() and _shadows(pyproject):
        click.echo(f"reviewbot: note: {DOTFILE} takes precedence over [tool.reviewbot] in {PYPROJECT}")
    click.echo("Next: `reviewbot review` (the working tree), `reviewbot review --staged`, or the pre-commit hook "
               "(docs/local.md, section pre-commit).")
    return 0
