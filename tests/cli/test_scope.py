"""The review's filter decides how much of each file semgrep scans: hunks only by default, whole files when the
filter reports on whole files (real semgrep, the shipped rule pack, a real repository)."""

from __future__ import annotations

import json

from tests.helpers import GitRepo

OLD = "def old(x):\n    if x == None:\n        return 0\n    return x\n\n\ndef new(y):\n    return y\n"
NEW = OLD.replace("    return y\n", "    if y == None:\n        return 1\n    return y\n")


def test_findings_in_untouched_functions_follow_the_filter(repo: GitRepo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("calc.py", OLD)
    repo.commit("old code with a finding")
    repo.write("calc.py", NEW)
    lines = {}
    for mode in ("added", "diff_context", "file"):
        r = cli(repo.path, "review", "--analyzers", "semgrep", "--no-cache", "--filter", mode,
                "--format", "json")
        assert r.code in (0, 1), r
        lines[mode] = sorted(c["line"] for c in json.loads(r.out)["comments"] if c["rule"] == "none-comparison-eq")
    assert lines == {"added": [8], "diff_context": [8], "file": [2, 8]}
