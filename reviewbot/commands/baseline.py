"""``reviewbot baseline``: record the current findings so that ``review --baseline FILE`` reports only new ones.

Whole files by default (``--all-files`` semantics: every tracked Python file, or PATHS), every analyzer finding
that no suppression comment covers — not only what a review would show after its noise budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reviewbot.errors import ReviewbotError


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write (default: .reviewbot-baseline.json at the repository root).",
)
@click.option("--analyzers", metavar="A,B", default=None, help="Comma-separated analyzers to run.")
@click.option("--config", "config_file", metavar="FILE", type=click.Path(path_type=Path), default=None)
@click.option("--trust-config", is_flag=True,
              help="Use the repository config's paths and analyzers even when they differ from HEAD's.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the analyzer cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parallel analyzer processes.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, no summary.")
@click.option("-v", "--verbose", count=True, help="Progress and tracebacks on stderr.")
def baseline(
    paths: tuple[str, ...],
    output: Path | None,
    analyzers: str | None,
    config_file: Path | None,
    trust_config: bool,
    no_cache: bool,
    jobs: int | None,
    quiet: bool,
    verbose: int,
) -> int:
    """Write the current findings (by fingerprint) to a baseline file.

    \b
    Then `reviewbot review --baseline .reviewbot-baseline.json` reports only findings that are not in it:
    a way to adopt reviewbot on an old codebase. Fingerprints ignore line numbers, so the baseline survives
    unrelated edits; commit the file and regenerate it when you want to accept the current state again.
    """
    from reviewbot import baseline as baseline_file
    from reviewbot import config_trust, progress, pytarget, suppress
    from reviewbot.pipeline import analyzed
    from reviewbot.wiring import build_source, make_analyze

    cwd = Path.cwd()
    source = build_source(cwd, paths=paths, all_files=True)
    cli_values: dict[str, Any] = {
        "filter": "nofilter",
        "analyzers": None if analyzers is None else [a.strip() for a in analyzers.split(",") if a.strip()],
        "cache": False if no_cache else None,
        "jobs": jobs,
    }
    loaded = config_trust.load(source, start=cwd, config_path=config_file, cli=cli_values, trust=trust_config)
    for line in loaded.warnings:
        click.echo(f"reviewbot: warning: {line}", err=True)
    settings = loaded.settings
    python = pytarget.for_review(source, settings.file.python_version)  # the same target as the reviews
    for line in python.warnings:
        click.echo(f"reviewbot: warning: target Python: {line}", err=True)
    target = output or (source.root or cwd) / baseline_file.DEFAULT_NAME
    with progress.for_cli(quiet=quiet, verbose=verbose) as say:
        say("listing files")
        with analyzed(source, settings, make_analyze(settings, python.minimum), say) as first:
            files, evidence = first.files, first.evidence
    findings, statuses = evidence.findings, evidence.statuses
    failed = [s for s in statuses if s.status.value == "error"]
    if failed:
        names = ", ".join(f"{s.name} ({s.message})" for s in failed)
        raise ReviewbotError(f"analyzer failed: {names}; baseline not written (leave it out with --analyzers)")
    screened = suppress.apply(findings, files, statuses, "nofilter")
    entries = baseline_file.entries(screened.findings, files)
    baseline_file.write(target, entries)
    if not quiet:
        total = sum(e.count for e in entries)
        click.echo(
            f"reviewbot: wrote {total} finding(s) ({len(entries)} fingerprints) from {len(files)} file(s) to {target}"
            + (f"; {len(screened.suppressed)} suppressed by comments not included" if screened.suppressed else ""),
            err=True,
        )
    return 0
