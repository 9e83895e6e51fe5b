"""``python -m tests.cli.marker_main ARGS``: the reviewbot CLI with the test-only marker analyzer registered, for
subprocess tests (git hooks) that need real findings without depending on bandit & co."""

from __future__ import annotations

import sys

from reviewbot import analyzers

MARKER = "tests.foundation.marker_analyzer:MarkerAnalyzer"

if __name__ == "__main__":
    analyzers.BUILTIN["marker"] = MARKER
    from reviewbot.cli import main

    sys.exit(main(sys.argv[1:]))
