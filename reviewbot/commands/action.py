"""``reviewbot action``: review a pull request in GitHub Actions (or any CI that sets the same variables) and publish.

Reads the run from the Actions environment (``GITHUB_EVENT_PATH``, ``GITHUB_REPOSITORY``, ``GITHUB_API_URL``,
``GITHUB_TOKEN``, ``GITHUB_WORKSPACE``), loads the settings from the PR's base commit (trusted config), computes the
diff with git (merge base of base and head; the API's file list when the clone lacks the history), reviews, writes
SARIF if asked, publishes one review plus a summary comment edited in place, and falls back to annotations and the job
summary when the token cannot write (fork PRs). Options also read the ``INPUT_*`` variables the composite action sets.

\b
Exit codes: 0 no comment at or above the fail level; 1 some; 2 usage, config or internal error. A token that cannot
write is not an error: the results go to annotations and the job summary, and the exit code follows the fail level.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from reviewbot.github.jobsummary import JobSummary
    from reviewbot.models import Review

LEVELS = ("none", "info", "warning", "error")


def _say(msg: str) -> None:
    click.echo(f"reviewbot: {msg}", err=True)


@click.command()
@click.option("--pr", "number", type=click.IntRange(min=1), default=None, help="PR number (default: from the event).")
@click.option("--base-sha", default=None, help="Base commit (default: the event's pull_request.base.sha).")
@click.option("--head-sha", default=None, help="Head commit (default: the event's pull_request.head.sha).")
@click.option("--config", "config_file", envvar="INPUT_CONFIG", default=None, metavar="PATH",
              help="Config file, read from the PR's base commit (default: .reviewbot.toml or pyproject.toml).")
@click.option("--fail-on", envvar="INPUT_FAIL_ON", type=click.Choice(LEVELS), default=None,
              help="Exit 1 when a comment reaches this level (default: the config's fail-on).")
@click.option("--max-comments", envvar="INPUT_MAX_COMMENTS", type=click.IntRange(min=0), default=None,
              help="Noise budget: comments reported in all (default: the config's max-comments).")
@click.option("--max-inline-comments", envvar="INPUT_MAX_INLINE_COMMENTS", type=click.IntRange(min=0), default=20,
              show_default=True, help="New inline comments per review; the rest go to the summary comment.")
@click.option("--llm-provider", envvar="INPUT_LLM_PROVIDER", default=None,
              help="none, openai, azure, github (GitHub Models), anthropic (default: the config's).")
@click.option("--llm-model", envvar="INPUT_LLM_MODEL", default=None)
@click.option("--llm-base-url", envvar="INPUT_LLM_BASE_URL", default=None)
@click.option("--llm-api-key-env", envvar="INPUT_LLM_API_KEY_ENV", default=None, metavar="VAR",
              help="Name of the environment variable that holds the LLM key (never the key itself).")
@click.option("--sarif-output", envvar="INPUT_SARIF_OUTPUT", default=None, metavar="FILE",
              help="Also write the review as SARIF 2.1.0 (for github/codeql-action/upload-sarif).")
@click.option("--bot-login", envvar="INPUT_BOT_LOGIN", default=None, metavar="LOGIN",
              help="Login the token posts as (default: GET /user, else github-actions[bot]).")
@click.option("--write-interval", envvar="REVIEWBOT_WRITE_INTERVAL", type=click.FloatRange(min=0), default=1.0,
              show_default=True, help="Seconds between two write calls to GitHub.")
@click.option("--no-publish", is_flag=True, help="Do not write to GitHub: annotations and job summary only.")
@click.option("-v", "--verbose", count=True, help="Progress and tracebacks on stderr.")
def action(
    number: int | None,
    base_sha: str | None,
    head_sha: str | None,
    config_file: str | None,
    fail_on: str | None,
    max_comments: int | None,
    max_inline_comments: int,
    llm_provider: str | None,
    llm_model: str | None,
    llm_base_url: str | None,
    llm_api_key_env: str | None,
    sarif_output: str | None,
    bot_login: str | None,
    write_interval: float,
    no_publish: bool,
    verbose: int,
) -> int:
    """Review a pull request and publish the review on GitHub.

    Reads the GitHub Actions environment (GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_TOKEN,
    GITHUB_WORKSPACE). Settings come from the PR's base commit, never its head.

    \b
    Exit codes: 0 no comment at or above the fail level, 1 some, 2 error. A token that cannot write
    (a fork PR) is not an error: results go to annotations and the job summary.
    """
    from reviewbot import git, pytarget, wiring
    from reviewbot.github import accounting, event, fallback, timings, trust
    from reviewbot.github.session import GitHubSession

    command_started, started = time.time(), time.monotonic()
    environ = os.environ
    run = event.read(environ, number=number, base_sha=base_sha, head_sha=head_sha)
    root = git.toplevel(run.workspace)
    session = GitHubSession(run, write_interval=write_interval, log=_say)
    if not run.base_sha or not run.head_sha:
        run = session.complete_shas()
    llm = {"provider": llm_provider, "model": llm_model, "base-url": llm_base_url, "api-key-env": llm_api_key_env}
    overrides: dict[str, Any] = {
        "fail-on": fail_on,
        "max-comments": max_comments,
        "llm": {k: v for k, v in llm.items() if v} or None,
    }
    trusted = trust.load(
        root,
        run.base_sha,
        head_sha=run.head_sha,
        config_path=config_file or None,
        overrides=overrides,
        environ=environ,
        fetch=session.fetch_file if run.token else None,
    )
    _say(f"PR #{run.number} of {run.repository}: {run.base_sha[:12]}...{run.head_sha[:12]} (settings: {trusted.origin})")
    source, source_notes = session.source(root)
    progress = _say if verbose else None
    # Links in what is published may only go to the repository's own host (and the trusted config's link-hosts).
    target = pytarget.for_review(source, trusted.settings.file.python_version)
    for warning in target.warnings:
        _say(f"warning: target Python: {warning}")
    prepared = time.monotonic() - started
    result = wiring.execute(source, trusted.settings, progress=progress,
                                notes=tuple(trusted.notes) + tuple(source_notes), repo_hosts=(run.server_host,),
                                target=target)
    patch = source.patch()
    outputs = {"comments": str(len(result.comments)), "inline-comments": "0", "sarif-file": ""}
    comments = accounting.everything(result)
    sarif_places: list[accounting.Place] = []

    if sarif_output:
        from reviewbot.commands.review import _write_output
        from reviewbot.publishers import sarif

        _write_output(Path(sarif_output), sarif.render(result, source=source.description))
        outputs["sarif-file"] = sarif_output
        sarif_places.append(accounting.sarif(sarif_output))
    hint = "" if sarif_output else accounting.NO_SARIF_HINT
    summary = _plan_job_summary(result, environ)
    elsewhere = ([accounting.job_summary(summary.listed)] if summary else []) + sarif_places

    failure = ""
    published: float | None = None  # seconds spent publishing
    others: list[accounting.Place] = []  # where the comments the job summary leaves out may be
    if no_publish:
        failure = "--no-publish: nothing written to the pull request"
    elif not run.token:
        failure = "no GITHUB_TOKEN: nothing written to the pull request"
    else:
        from reviewbot.github.client import GitHubError
        from reviewbot.github.publish import PublishOptions

        options = PublishOptions(max_inline=max_inline_comments, bot_login=bot_login or "",
                                 elsewhere=tuple(elsewhere), hint=hint)
        publishing = time.monotonic()
        try:
            outcome = session.publish(result, patch, options)
        except GitHubError as exc:
            failure = f"could not publish on the pull request ({exc})"
            if run.is_fork:
                failure += "; a fork PR's token is read-only"
        else:
            published = time.monotonic() - publishing
            outputs["inline-comments"] = str(len(outcome.posted))
            others = [accounting.Place(accounting.INLINE, frozenset(outcome.inline)),
                      accounting.Place(accounting.SUMMARY_COMMENT, outcome.summary_listed)]
            _say(
                f"published: {len(outcome.posted)} new inline, {outcome.kept} kept, {outcome.removed} removed, "
                f"{len(outcome.not_inline)} not inline ({len(outcome.summary_listed)} listed in the summary "
                f"comment); summary comment {outcome.summary_action}"
            )
    job_notes: list[str] = []
    if failure:
        shown = fallback.shown(comments, before={"warning": 1})  # the warning below comes first
        hidden = [i for i in range(len(comments)) if i not in shown]
        unseen = accounting.annotations_note(len(comments), hidden, elsewhere, hint=hint)
        where = "the annotations" + (" and the job summary" if summary else "")
        _say(f"{failure}; results are in {where}")
        fallback.warning(f"{failure}; results are in {where}. {unseen}".rstrip(), sys.stdout)
        fallback.annotate(comments, sys.stdout)
        others = [accounting.Place(accounting.ANNOTATIONS, shown)]
        job_notes += [n for n in (unseen, failure) if n]
    if summary:
        cut = accounting.job_summary_note(summary.listed, summary.total, others + sarif_places, hint=hint)
        clock = timings.RunClock(command_started, prepared, published)
        text = summary.render(([cut] if cut else []) + job_notes, tail=timings.table(result, clock, environ))
        fallback.append_file("GITHUB_STEP_SUMMARY", text, environ)
    fallback.append_file("GITHUB_OUTPUT", fallback.output_lines(outputs), environ)
    level = trusted.settings.fail_level
    if level is not None and any(c.severity.at_least(level) for c in result.comments):
        return 1
    return 0


def _plan_job_summary(review: Review, environ: Mapping[str, str]) -> JobSummary | None:
    """The job summary's plan within what the step summary file has left, or None when none is written."""
    from reviewbot.github import jobsummary, limits

    path = environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return None
    try:
        written = Path(path).stat().st_size
    except OSError:
        written = 0
    budget = limits.STEP_SUMMARY_BUDGET - written
    if budget < jobsummary.MIN_BUDGET:
        _say(f"the step summary file already holds {written:,} bytes: no job summary is written")
        return None
    return jobsummary.plan(review, budget=budget)
