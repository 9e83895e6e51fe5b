"""``reviewbot review``: review a local diff (working tree, staged, a commit range, a patch file, or whole files)."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reviewbot.errors import ReviewbotError

if TYPE_CHECKING:
    from reviewbot.config import Settings
    from reviewbot.models import Review
    from reviewbot.sources import Source

FORMATS = ("text", "short", "json", "markdown", "sarif")
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
@click.option(
    "--pre-push",
    is_flag=True,
    help="Review the commits being pushed (PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, set by pre-commit's pre-push stage).",
)
@click.option("--patch", "patch_file", metavar="FILE|-", help="Review a unified diff; file texts come from the tree.")
@click.option("--all-files", is_flag=True, help="Review whole files (all tracked files, or PATHS), unfiltered.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--fail-on", type=click.Choice(LEVELS), default=None, help="Exit 1 when a comment reaches this level.")
@click.option("--filter", "filter_mode", type=click.Choice(FILTERS), default=None, help="Which findings to report.")
@click.option("--analyzers", metavar="A,B", default=None, help="Comma-separated analyzers to run ('' for none).")
@click.option("--hook", is_flag=True,
              help="Run the commit hook's analyzers (what the `reviewbot` pre-commit hook does): `hook-analyzers` "
                   "from the config, by default the fast ones among `analyzers`. --analyzers overrides it.")
@click.option("--max-comments", type=click.IntRange(min=0), default=None)
@click.option("--min-score", type=click.FloatRange(0, 1), default=None)
@click.option("--config", "config_file", metavar="FILE", type=click.Path(path_type=Path), default=None)
@click.option("--trust-config", is_flag=True,
              help="Use the repository config's LLM endpoint and key, test command and paths even when the reviewed "
                   "change edits them (also REVIEWBOT_TRUST_CONFIG=1).")
@click.option("--cache-dir", metavar="DIR", default=None, help="Analyzer result cache (default: the XDG cache).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the analyzer cache.")
@click.option(
    "--baseline",
    "baseline_file",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Report only findings not in FILE (written by `reviewbot baseline`).",
)
@click.option("--apply", "apply_fixes", is_flag=True, help="Apply the verified suggested fixes to the working tree.")
@click.option("--yes", "-y", is_flag=True, help="With --apply: do not ask.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parallel analyzer processes.")
@click.option("--llm-cassette", metavar="FILE", default=None,
              help="Replay the LLM replies recorded in FILE (offline; no model is called).")
@click.option("--record-cassette", metavar="FILE", default=None,
              help="Record every LLM request/response of this run to FILE (secrets redacted).")
@click.option("--dump-prompts", metavar="DIR", default=None,
              help="Write the exact LLM prompts to DIR and call no model.")
@click.option("--no-evidence", is_flag=True,
              help="Ablation: build the LLM prompts without analyzer evidence (findings, facts, metrics).")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress; text and short print only the comments (no heading, no summary line), analyzer "
                   "failures go to stderr. json, markdown and sarif are unchanged.")
@click.option("-v", "--verbose", count=True, help="Progress and tracebacks on stderr.")
def review(
    paths: tuple[str, ...],
    staged: bool,
    base: str | None,
    head: str | None,
    merge_base: bool,
    pre_push: bool,
    patch_file: str | None,
    all_files: bool,
    fmt: str,
    output: str | None,
    fail_on: str | None,
    filter_mode: str | None,
    analyzers: str | None,
    hook: bool,
    max_comments: int | None,
    min_score: float | None,
    config_file: Path | None,
    trust_config: bool,
    cache_dir: str | None,
    no_cache: bool,
    baseline_file: Path | None,
    apply_fixes: bool,
    yes: bool,
    jobs: int | None,
    llm_cassette: str | None,
    record_cassette: str | None,
    dump_prompts: str | None,
    no_evidence: bool,
    quiet: bool,
    verbose: int,
) -> int:
    """Review a change. Default: the working tree and staged changes against HEAD.

    \b
    Exit codes: 0 no comment at or above --fail-on, 1 some, 2 error.
    """
    chosen = [name for name, on in (("--staged", staged), ("--base", base), ("--patch", patch_file),
                                    ("--all-files", all_files), ("--pre-push", pre_push)) if on]
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} cannot be combined")
    if head and not base:
        raise click.UsageError("--head needs --base")
    if yes and not apply_fixes:
        raise click.UsageError("--yes only goes with --apply")
    if apply_fixes and patch_file == "-" and not yes:
        raise click.UsageError("--apply with --patch - reads the patch from stdin, so it cannot ask: add --yes")
    if pre_push:
        base, head, all_files = _push_range()
    cwd = Path.cwd()
    # Everything of the command line that decides the review's result (not how it is shown): the replay cache's key.
    params: dict[str, Any] = {
        "paths": list(paths), "staged": staged, "base": base, "head": head, "merge_base": merge_base,
        "patch_file": patch_file, "all_files": all_files, "fail_on": fail_on, "filter": filter_mode,
        "analyzers": analyzers, "hook": hook, "max_comments": max_comments, "min_score": min_score,
        "config_file": str(config_file) if config_file else None, "trust_config": trust_config,
        "cache_dir": cache_dir, "baseline_file": str(baseline_file) if baseline_file else None, "jobs": jobs,
        "llm_cassette": llm_cassette, "record_cassette": record_cassette, "dump_prompts": dump_prompts,
        "no_evidence": no_evidence,
    }
    from reviewbot import rerun, rerun_inputs

    req = None
    if not no_cache and not apply_fixes:
        req = rerun.request(cwd, params, cache_dir=cache_dir, index_file=_index_file(cwd, staged), output=output)
        hit = rerun.lookup(req) if req is not None else None
        if hit is not None:
            from reviewbot import progress

            with progress.for_cli(quiet=quiet, verbose=verbose) as reporter:
                reporter("unchanged since the last review of it: replaying its result")
            _warn(hit.warnings)
            _publish(hit.review, hit.source, fmt, output, quiet)
            return hit.exit_code
    warned: list[str] = []
    with rerun_inputs.Reads(ignored=[req.root] if req else [], active=req is not None) as reads:
        settings, source, result = _run(
            cwd, warned, paths=paths, staged=staged, base=base, head=head, merge_base=merge_base,
            patch_file=patch_file, all_files=all_files, cli_values={
                "fail-on": fail_on,
                "filter": "nofilter" if all_files and filter_mode is None else filter_mode,
                "analyzers": None if analyzers is None else [a.strip() for a in analyzers.split(",") if a.strip()],
                "max-comments": max_comments,
                "min-score": min_score,
                "cache-dir": cache_dir,
                "cache": False if no_cache else None,
                "jobs": jobs,
                "llm": _llm_flags(cwd, llm_cassette, record_cassette, dump_prompts, no_evidence),
            }, config_file=config_file, trust_config=trust_config, hook=hook, analyzers=analyzers,
            baseline_file=baseline_file, quiet=quiet, verbose=verbose)
    _publish(result, source.description, fmt, output, quiet)
    if apply_fixes:
        from reviewbot.apply import interactive

        interactive(result, source, yes=yes)
    level = settings.fail_level
    code = 1 if level is not None and any(c.severity.at_least(level) for c in result.comments) else 0
    if req is not None and rerun.storable(settings, result):
        rerun.store(req, result, source=source.description, warnings=warned, exit_code=code, read=reads.manifest())
    return code


def _index_file(cwd: Path, staged: bool) -> str | None:
    if not staged:
        return None
    from reviewbot.sources import hook_index_file

    return hook_index_file(cwd)


def _run(cwd: Path, warned: list[str], *, paths: tuple[str, ...], staged: bool, base: str | None,
         head: str | None, merge_base: bool, patch_file: str | None, all_files: bool, cli_values: dict[str, Any],
         config_file: Path | None, trust_config: bool, hook: bool, analyzers: str | None,
         baseline_file: Path | None, quiet: bool, verbose: int) -> tuple[Settings, Source, Review]:
    """The review itself: the source, the settings, the pipeline. ``warned`` collects what went to stderr."""
    from reviewbot import config_trust
    from reviewbot.wiring import build_source, execute

    def warn(lines: tuple[str, ...]) -> None:
        warned.extend(lines)
        _warn(lines)

    source = build_source(cwd, paths=paths, staged=staged, base=base, head=head, merge_base=merge_base,
                          patch_file=patch_file, all_files=all_files)
    loaded = config_trust.load(source, start=cwd, config_path=config_file, cli=cli_values, trust=trust_config)
    warn(loaded.warnings)
    settings = loaded.settings
    if hook and analyzers is None:
        enabled, settings = settings.enabled_analyzers, settings.for_hook()
        if enabled and not settings.enabled_analyzers:
            warn((f"the commit hook runs no analyzer: none of {', '.join(enabled)} is a fast one; "
                  "name the hook's own in `hook-analyzers`",))
    known = None
    if baseline_file is not None:
        from reviewbot import baseline

        known = baseline.load(baseline_file)
    from reviewbot import progress, pytarget

    target = pytarget.for_review(source, settings.file.python_version)
    warn(tuple(f"target Python: {w}" for w in target.warnings))
    with progress.for_cli(quiet=quiet, verbose=verbose) as reporter:
        result = execute(source, settings, progress=reporter, baseline=known, target=target)
    if loaded.notes:
        result = replace(result, summary=replace(result.summary, notes=(*result.summary.notes, *loaded.notes)))
    return settings, source, result


def _publish(result: Review, source: str, fmt: str, output: str | None, quiet: bool) -> None:
    """Render ``result`` in ``fmt`` to ``output`` or stdout (the replay and the review alike)."""
    color = fmt in ("text", "short") and _use_color(output)
    if quiet and fmt in ("text", "short"):
        from reviewbot.publishers.text import problems, render_quiet

        _warn(tuple(problems(result)))
        text = render_quiet(result, short=fmt == "short", color=color)
    else:
        text = _renderer(fmt)(result, source=source, color=color)
    if output:
        _write_output(Path(output), text)
    else:
        click.echo(text, nl=False, color=color or None)  # click would strip the colour when stdout is no TTY


def _warn(lines: tuple[str, ...]) -> None:
    for line in lines:
        click.echo(f"reviewbot: warning: {line}", err=True)


def _renderer(fmt: str):  # type: ignore[no-untyped-def]
    if fmt == "short":
        from reviewbot.publishers.text import render_short

        return render_short
    from reviewbot.publishers import renderer

    return renderer(fmt)


def _push_range() -> tuple[str | None, str | None, bool]:
    """(base, head, all_files) of ``--pre-push``: the range pre-commit exports to pre-push hooks.

    pre-commit sets no range when the push carries a whole new history (its root commit): then every file is
    being pushed, and every file is reviewed.
    """
    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        return from_ref, to_ref, False
    if os.environ.get("PRE_COMMIT") == "1":
        return None, None, True
    raise click.UsageError(
        "--pre-push needs PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF (pre-commit sets them in the pre-push stage); "
        "elsewhere use --base REF"
    )


def _llm_flags(
    cwd: Path, cassette: str | None, record: str | None, dump: str | None, no_evidence: bool
) -> dict[str, Any] | None:
    """The ``llm`` table of the LLM flags (paths made absolute), or None when none is given."""
    flags: dict[str, Any] = {}
    for key, value in (("cassette", cassette), ("record", record), ("dump-prompts", dump)):
        if value:
            flags[key] = str((cwd / value).resolve())
    if no_evidence:
        flags["evidence"] = False
    return flags or None


def _write_output(path: Path, text: str) -> None:
    try:
        if path.exists() and not path.is_file():  # /dev/null, /dev/stdout, a named pipe: written to, never replaced
            with path.open("w", encoding="utf-8") as fh:
                fh.write(text)
            return
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.reviewbot-tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ReviewbotError(f"{path}: cannot write report ({exc.strerror or exc})") from exc
