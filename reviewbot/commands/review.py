"""``reviewbot review``: review a local diff (working tree, staged, a commit range, a patch file, or whole files)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from reviewbot.errors import ReviewbotError

FORMATS = ("text", "json", "markdown", "sarif")
LEVELS = ("none", "info", "warning", "error")
FILTERS = ("added", "diff_context", "file", "nofilter")


def _use_color(output: str | None) -> bool:
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--staged", is_flag=True, help="Review the index (what `git commit` would record) against HEAD.")
@click.option("--base", metavar="REF", help="Review the commits from REF to --head.")
@click.option("--head", metavar="REF", default=None, help="End of the --base range (default HEAD).")
@click.option(
    "--merge-base/--no-merge-base",
    default=True,
    show_default=True,
    help="With --base: diff against the merge base of REF and HEAD (like `git diff REF...HEAD`).",
)
@click.option("--patch", "patch_file", metavar="FILE|-", help="Review a unified diff; file texts come from the tree.")
@click.option("--all-files", is_flag=True, help="Review whole files (all tracked files, or PATHS), unfiltered.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--fail-on", type=click.Choice(LEVELS), default=None, help="Exit 1 when a comment reaches this level.")
@click.option("--filter", "filter_mode", type=click.Choice(FILTERS), default=None, help="Which findings to report.")
@click.option("--analyzers", metavar="A,B", default=None, help="Comma-separated analyzers to run ('' for none).")
@click.option("--max-comments", type=click.IntRange(min=0), default=None)
@click.option("--min-score", type=click.FloatRange(0, 1), default=None)
@click.option("--config", "config_file", metavar="FILE", type=click.Path(path_type=Path), default=None)
@click.option("--cache-dir", metavar="DIR", default=None, help="Analyzer result cache (default: the XDG cache).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the analyzer cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parallel analyzer processes.")
@click.option("-q", "--quiet", is_flag=True, help="Only the report; no progress.")
@click.option("-v", "--verbose", count=True, help="Progress and tracebacks on stderr.")
def review(
    paths: tuple[str, ...],
    staged: bool,
    base: str | None,
    head: str | None,
    merge_base: bool,
    patch_file: str | None,
    all_files: bool,
    fmt: str,
    output: str | None,
    fail_on: str | None,
    filter_mode: str | None,
    analyzers: str | None,
    max_comments: int | None,
    min_score: float | None,
    config_file: Path | None,
    cache_dir: str | None,
    no_cache: bool,
    jobs: int | None,
    quiet: bool,
    verbose: int,
) -> int:
    """Review a change. Default: the working tree and staged changes against HEAD.

    \b
    Exit codes: 0 no comment at or above --fail-on, 1 some, 2 error.
    """
    from reviewbot import config
    from reviewbot.review_run import build_source, execute

    chosen = [name for name, on in (("--staged", staged), ("--base", base), ("--patch", patch_file),
                                    ("--all-files", all_files)) if on]
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} cannot be combined")
    if head and not base:
        raise click.UsageError("--head needs --base")
    cwd = Path.cwd()
    source = build_source(cwd, paths=paths, staged=staged, base=base, head=head, merge_base=merge_base,
                          patch_file=patch_file, all_files=all_files)
    cli_values: dict[str, Any] = {
        "fail-on": fail_on,
        "filter": "nofilter" if all_files and filter_mode is None else filter_mode,
        "analyzers": None if analyzers is None else [a.strip() for a in analyzers.split(",") if a.strip()],
        "max-comments": max_comments,
        "min-score": min_score,
        "cache-dir": cache_dir,
        "cache": False if no_cache else None,
        "jobs": jobs,
    }
    settings = config.load(start=cwd, config_path=config_file, stop=source.root, cli=cli_values)
    progress = None
    if verbose and not quiet:
        def progress(msg: str) -> None:
            click.echo(f"reviewbot: {msg}", err=True)
    result = execute(source, settings, progress=progress)
    from reviewbot.publishers import renderer

    text = renderer(fmt)(result, source=source.description, color=fmt == "text" and _use_color(output))
    if output:
        _write_output(Path(output), text)
    else:
        click.echo(text, nl=False)
    level = settings.fail_level
    if level is not None and any(c.severity.at_least(level) for c in result.comments):
        return 1
    return 0


def _write_output(path: Path, text: str) -> None:
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.reviewbot-tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ReviewbotError(f"{path}: cannot write report ({exc.strerror or exc})") from exc
