"""``--output`` to something that is not a regular file (a named pipe, /dev/null, /dev/stdout) is written to, not
replaced: the report is written to a temporary file moved into place only for regular files (run as root, a
replaced /dev/null is a regular file for every process on the machine)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from tests.helpers import GitRepo


def test_a_named_pipe_stays_a_pipe_and_gets_the_report(cli, flagged: GitRepo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    result = cli(flagged.path, "review", "--analyzers", "marker", "--format", "short", "-o", str(pipe))
    reader.join(timeout=60)
    assert result.code == 1, result
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)  # not replaced by a regular file
    assert got and "app.py:5" in got[0] and "marker:no-eval" in got[0]
    assert not list(tmp_path.glob(".report.pipe.reviewbot-tmp"))
