"""Fixtures the security tests share with the other suites: the GitHub ones (a PR's git repository, the fake GitHub,
the Actions environment) and the CLI ones (the real CLI in-process, the test-only marker analyzer: ``eval(`` gets an
error with a fix)."""

from tests.cli.conftest import cli, marker_analyzer  # noqa: F401 - fixtures shared with tests/cli
from tests.github.conftest import action_env, fake, fake_analyzer, pr_repo, sleeps  # noqa: F401
