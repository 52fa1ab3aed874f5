"""`warroom export`: the page and the folder's data files in one HTML file that works
offline, written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UserError
from .folder import Folder
from .page import render


def export(folder: Folder, out: Path | None = None) -> Path:
    """Write the page of `folder` with its data inside to `out` (default: the folder's
    warroom.html); the path written."""
    out = out if out is not None else folder.path / "warroom.html"
    if out.is_dir():
        raise UserError(f"-o {out}: a folder; expected the path of an HTML file to write")
    if not out.parent.is_dir():
        raise UserError(f"-o {out}: no folder {out.parent} to write it in")
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    try:
        tmp.write_text(render(folder, embed=True), encoding="utf-8")
        os.replace(tmp, out)
    except OSError as e:
        raise UserError(f"-o {out}: cannot write it ({e.strerror or e})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return out
