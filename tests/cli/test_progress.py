"""Progress on stderr: only for runs longer than about a second, only on a terminal, never with -q."""

from __future__ import annotations

import io
import time

from rich.console import Console

from reviewbot.progress import Lines, Silent, Spinner, for_cli


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_choice_of_reporter() -> None:
    assert isinstance(for_cli(quiet=True, verbose=0, stream=FakeTTY()), Silent)
    assert isinstance(for_cli(quiet=True, verbose=2, stream=FakeTTY()), Silent)
    assert isinstance(for_cli(quiet=False, verbose=0, stream=io.StringIO()), Silent)  # not a terminal
    assert isinstance(for_cli(quiet=False, verbose=1, stream=io.StringIO()), Lines)
    assert isinstance(for_cli(quiet=False, verbose=0, stream=FakeTTY()), Spinner)


def _console(buf: io.StringIO) -> Console:
    return Console(file=buf, force_terminal=True, width=80)


def test_spinner_stays_quiet_for_a_fast_run() -> None:
    buf = FakeTTY()
    with Spinner(_console(buf), delay=0.5) as say:
        say("analyzing 1 file(s)")
    assert buf.getvalue() == ""


def test_spinner_shows_the_current_step_after_the_delay_and_cleans_up() -> None:
    buf = FakeTTY()
    with Spinner(_console(buf), delay=0.05) as say:
        say("analyzing 3 file(s)")
        time.sleep(0.4)
        say("ranking 2 candidate(s)")
        time.sleep(0.2)
    out = buf.getvalue()
    assert "reviewbot: analyzing 3 file(s)" in out and "ranking 2 candidate(s)" in out


def test_lines_for_verbose() -> None:
    buf = io.StringIO()
    Lines(buf)("reading staged changes")
    assert buf.getvalue().startswith("reviewbot: reading staged changes [")


def test_verbose_review_prints_steps_quiet_prints_none(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(flagged.path, "review", "--analyzers", "marker", "-v")
    assert "reviewbot: analyzing 1 file(s)" in r.err
    assert cli(flagged.path, "review", "--analyzers", "marker", "-q", "-v").err == ""
