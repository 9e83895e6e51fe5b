"""The one user-facing error type. Anything raised as a ReviewbotError is shown as one line and exits 2."""

from __future__ import annotations


class ReviewbotError(Exception):
    """An error the user can act on: bad input, bad config, a git failure. Shown without a traceback."""


class ConfigError(ReviewbotError):
    """The configuration (file, environment or flags) is invalid."""


class GitError(ReviewbotError):
    """A git command failed; the message names the command, its exit code and stderr."""


class DiffError(ReviewbotError):
    """A patch could not be read or parsed."""
