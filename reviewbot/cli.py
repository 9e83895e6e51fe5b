"""Command-line entry point: the click group, the one top-level error handler, and the exit codes.

Exit codes: 0 no comment at or above the fail level; 1 comments at or above it; 2 usage, config or internal error
(one line on stderr; the traceback only with -v). Subcommands live in reviewbot/commands/ and import heavy
modules lazily, so ``reviewbot --help`` is fast.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import click

from reviewbot import __version__
from reviewbot.errors import ReviewbotError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class LazyGroup(click.Group):
    """Subcommands are imported only when invoked (or listed in --help)."""

    COMMANDS = {
        "review": "reviewbot.commands.review:review",
        "action": "reviewbot.commands.action:action",
        "init": "reviewbot.commands.init:init",
        "rules": "reviewbot.commands.rules:rules",
        "explain": "reviewbot.commands.rules:explain",
        "baseline": "reviewbot.commands.baseline:baseline",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.COMMANDS.get(cmd_name)
        if target is None:
            return None
        import importlib

        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="reviewbot", message="%(prog)s %(version)s")
def cli() -> None:
    """Static-analysis-augmented code review for Python changes."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of raising SystemExit (except from click's own handling)."""
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = any(a in ("-v", "--verbose") or (a.startswith("-v") and set(a[1:]) == {"v"}) for a in args)
    try:
        result = cli.main(args=args, prog_name="reviewbot", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("reviewbot: aborted", err=True)
        return EXIT_ERROR
    except click.UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
        click.echo(f"reviewbot: error: {exc.format_message()}{hint}", err=True)
        return EXIT_ERROR
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR if exc.exit_code not in (0, 1) else exc.exit_code
    except ReviewbotError as exc:
        if verbose:
            traceback.print_exc()
        click.echo(f"reviewbot: error: {exc}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("reviewbot: interrupted", err=True)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the one top-level handler
        if verbose:
            traceback.print_exc()
        first = str(exc).splitlines()[0] if str(exc) else ""
        click.echo(
            f"reviewbot: internal error: {exc.__class__.__name__}: {first} (run with -v for the traceback)",
            err=True,
        )
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_OK
