"""The GitHub fixtures (a PR's git repository, the fake GitHub, the Actions environment) for the security tests."""

from tests.github.conftest import action_env, fake, pr_repo, sleeps  # noqa: F401
