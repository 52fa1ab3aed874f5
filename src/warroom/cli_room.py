"""`warroom serve` and `warroom export`: the war room of a run's or an experiment's folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli_base import app, fail, out_console
from .errors import UserError

FolderArg = Annotated[Path, typer.Argument(help="A run's or an experiment's folder.",
                                           show_default=False)]


def _warn(line: str) -> None:
    print(f"warning: {line}", file=sys.stderr)


@app.command()
def serve(
    folder: FolderArg,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: a free one).", min=0, max=65535)] = 0,
    browser: Annotated[bool, typer.Option(help="Open the page in a browser.")] = True,
) -> None:
    """Serve the war room of FOLDER: its replay, charts and events, until Ctrl-C."""
    from .room.folder import open_folder
    from .room.server import serve as serve_room

    try:
        serve_room(open_folder(folder), host, port, browser, say=out_console.print,
                   warn=_warn)
    except UserError as e:
        fail(e)


@app.command()
def export(
    folder: FolderArg,
    out: Annotated[Path | None, typer.Option("-o", "--out",
                                             help="HTML file (default FOLDER/warroom.html).")]
    = None,
) -> None:
    """Write the war room of FOLDER as one HTML file that works offline."""
    from .room.export import export as export_room
    from .room.folder import open_folder

    try:
        path = export_room(open_folder(folder), out)
    except UserError as e:
        fail(e)
    out_console.print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
