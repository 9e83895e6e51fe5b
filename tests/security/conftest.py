"""The hostile-config tests drive the real CLI in-process with the test-only marker analyzer (``eval(`` gets an
error with a fix), like the local-use tests."""

from tests.cli.conftest import cli, marker_analyzer  # noqa: F401 - fixtures shared with tests/cli
