"""The security tests drive the real CLI and the real ``reviewbot action`` against the fake GitHub: they reuse the
fixtures of tests/cli and tests/github."""

from tests.cli.conftest import cli  # noqa: F401
from tests.github.conftest import action_env, fake, fake_analyzer, pr_repo, sleeps  # noqa: F401
