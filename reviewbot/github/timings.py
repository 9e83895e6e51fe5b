"""The job summary's timings: where one Action run's time went, stage by stage.

What happened before reviewbot started is passed in by action.yml as epoch seconds:
``REVIEWBOT_ACTION_STARTED`` (the action's first step), ``REVIEWBOT_STEP_STARTED`` (the review step, just before it
runs ``reviewbot action``), and ``REVIEWBOT_INSTALL`` (how reviewbot got there: ``restored``, ``pip-cache``,
``pip``). A missing or unreadable value only drops its row. The review's own stages come from ``Review.stats``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from reviewbot.models import Review

INSTALL = {
    "restored": "reviewbot's environment restored from the cache (no pip)",
    "pip-cache": "pip install, downloads restored from the cache",
    "pip": "pip install, nothing cached",
}
_STAGES = {
    "diff": ("diff", "read the change and its files"),
    "analyzers": ("analyzers", ""),
    "llm": ("LLM", ""),
    "discriminator": ("discriminator", "rank, verify fixes"),
}
_DAY = 86_400.0


@dataclass(frozen=True)
class RunClock:
    """What ``reviewbot action`` measured itself (``time.time()`` and seconds)."""

    command_started: float  # epoch seconds when the command began (imports done)
    prepare: float  # seconds: the event, the trusted settings, the diff's source
    publish: float | None  # seconds spent publishing on the PR; None when nothing was published


def _epoch(environ: Mapping[str, str], name: str) -> float | None:
    try:
        value = float(environ.get(name, "").strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _span(start: float | None, end: float | None) -> float | None:
    """``end - start`` when both are known and plausible (same clock, less than a day)."""
    if start is None or end is None or not 0 <= end - start < _DAY:
        return None
    return end - start


def _analyzer_detail(review: Review) -> str:
    statuses = review.summary.analyzers
    files = len(review.summary.files_reviewed)
    ran = [s for s in statuses if s.status.value == "ok"]
    if not ran:
        return "none ran"
    cached = sum(s.cached for s in ran)
    return f"{len(ran)} analyzer(s) on {files} file(s); {cached} of {len(ran) * files} result(s) from the cache"


def _llm_detail(review: Review) -> str:
    s = review.stats
    if not s.llm_calls and not s.llm_cache_hits:
        return "no LLM call (static review)"
    return f"{s.llm_calls} call(s), {s.llm_cache_hits} answered from the cache"


def rows(review: Review, clock: RunClock, environ: Mapping[str, str], *,
         now: float | None = None) -> list[tuple[str, float, str]]:
    """(stage, seconds, detail) in the order they ran; the last row is the total from the action's start."""
    action_started = _epoch(environ, "REVIEWBOT_ACTION_STARTED")
    step_started = _epoch(environ, "REVIEWBOT_STEP_STARTED")
    out: list[tuple[str, float, str]] = []
    setup = _span(action_started, step_started)
    if setup is not None:
        how = INSTALL.get(environ.get("REVIEWBOT_INSTALL", "").strip(), "")
        out.append(("install / restore", setup, "Python, caches, " + (how or "install")))
    startup = _span(step_started, clock.command_started)
    if startup is not None:
        out.append(("start", startup, "interpreter and imports"))
    out.append(("settings", clock.prepare, "event, trusted config, where the diff comes from"))
    for stage in review.stats.stages:
        label, detail = _STAGES.get(stage.name, (stage.name, ""))
        if stage.name == "analyzers":
            detail = _analyzer_detail(review)
        elif stage.name == "llm":
            detail = _llm_detail(review)
        out.append((label, stage.seconds, detail))
    if clock.publish is None:
        out.append(("publish", 0.0, "nothing written to the pull request"))
    else:
        out.append(("publish", clock.publish, "review and summary comment"))
    end = time.time() if now is None else now
    first = action_started if action_started is not None else step_started or clock.command_started
    total = _span(first, end)
    if total is None:
        total = sum(r[1] for r in out)
    since = "the action's start" if action_started is not None else "reviewbot's start"
    out.append(("total", total, f"from {since} to this summary"))
    return out


def table(review: Review, clock: RunClock, environ: Mapping[str, str], *, now: float | None = None) -> str:
    """The timings as a markdown section for the job summary."""
    lines = ["### Timings", "", "| stage | seconds | |", "|---|---:|---|"]
    for name, seconds, detail in rows(review, clock, environ, now=now):
        lines.append(f"| {name} | {seconds:.1f} | {detail} |")
    return "\n".join(lines) + "\n"
