"""The ``chromdiff`` command line: a lazy click group.

Each command lives in its own module ``chromdiff/cli/cmd_<name>.py`` (underscores become
hyphens: ``cmd_fake_server.py`` is ``chromdiff fake-server``) that defines a click command called
``command``. Modules are discovered by file name and imported only when their command runs, so
``chromdiff sql`` does not pay Prefect's import cost.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import traceback
from pathlib import Path

import click

import chromdiff
from chromdiff.errors import ChromdiffError, path_tried

_CLI_DIR = Path(__file__).parent


def _commands() -> dict[str, str]:
    """Map each command name to the module that defines it."""
    return {
        p.stem.removeprefix("cmd_").replace("_", "-"): f"chromdiff.cli.{p.stem}"
        for p in _CLI_DIR.glob("cmd_*.py")
    }


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return every registered command name, sorted."""
        return sorted(_commands())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return the command ``cmd_name``."""
        module_name = _commands().get(cmd_name)
        if module_name is None:
            return None
        return importlib.import_module(module_name).command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(chromdiff.__version__, prog_name="chromdiff")
def cli() -> None:
    """Differential binding, accessibility and methylation between two groups of experiments."""


#: Set by ``./run`` (which changes into the checkout): the folder the user typed the command in.
CALLER_CWD_ENV = "CHROMDIFF_CALLER_CWD"


def enter_caller_cwd() -> None:
    """Change back into the folder ``./run`` was called from, so relative paths are the user's.

    ``./run`` changes into the checkout before starting chromdiff and passes the caller's folder
    in ``CHROMDIFF_CALLER_CWD``; the variable is consumed (not inherited by child processes).
    """
    caller = os.environ.pop(CALLER_CWD_ENV, None)
    if caller and os.path.isdir(caller):
        os.chdir(caller)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user-facing errors become one line on stderr and exit code 1."""
    enter_caller_cwd()
    try:
        rv = cli.main(args=argv, prog_name="chromdiff", standalone_mode=False)
    except click.exceptions.Abort as exc:
        signum = getattr(exc.__cause__, "signum", signal.SIGINT)
        if exc.__cause__ is None:
            click.echo("aborted", err=True)
        else:
            click.echo(
                f"error: interrupted by {signal.Signals(signum).name}; nothing is half-written"
                " and a submitted job stays resumable: run the same command again to go on",
                err=True,
            )
        sys.exit(128 + signum)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ChromdiffError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError) as exc:
        # a path the user gave that cannot be used: say which, in one line
        tried = f": {path_tried(exc.filename)}" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{tried}", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - a bug: one line (traceback with --verbose)
        if os.environ.get("CHROMDIFF_VERBOSE"):
            traceback.print_exc()
        first = str(exc).splitlines()[0] if str(exc) else ""
        click.echo(f"error: unexpected {type(exc).__name__}: {first}", err=True)
        sys.exit(1)
    if isinstance(rv, int) and rv:
        sys.exit(rv)
