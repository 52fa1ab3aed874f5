"""What every `warroom` command module shares: the typer app, the console and how a user's
mistake ends a command. Kept apart so that the command modules need not import each other."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from .errors import UserError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Simulate wars: run, check and report scenarios.",
)
out_console = Console()


def fail(e: UserError) -> None:
    """A plain message on stderr and exit 2 (a bug, not caught, keeps its traceback)."""
    print(f"error: {e}", file=sys.stderr)
    raise typer.Exit(2)


def warn(scenario) -> None:
    """The scenario's warnings on stderr (the run goes on)."""
    for w in getattr(scenario, "warnings", []):
        print(w, file=sys.stderr)
