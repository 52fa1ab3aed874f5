"""The rows of a CSV file, read within the limits on size, and every refusal naming the line.

Kept apart from the record's meaning (data.py): this part only knows bytes, text and cells.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import Problem, UserError
from ..limits import LIMITS, limit, over


def at(path: Path, line: int, column: int | None, field: str, message: str) -> UserError:
    """A one-line error located in the file (file:line:column: field: message)."""
    return UserError(str(Problem(str(path), line, column, field, message)))


def show(cell: str, width: int = 40) -> str:
    """A cell as a message quotes it: in full if short, else its start (a cell can be long)."""
    return repr(cell) if len(cell) <= width else repr(cell[:width]) + f"... ({len(cell):,} chars)"


def read_rows(path: Path, what: str) -> list[tuple[int, list[str]]]:
    """(line, cells) of every row that is neither blank nor a `#` comment."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if not path.is_file():
        raise UserError(f"{path}: not a file, expected {what}")
    msg = over("file_bytes", path.stat().st_size, "the file's size in bytes")
    if msg:  # before reading: a huge file would cost memory and time before any check
        raise UserError(f"{path}: {msg}")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet's byte-order mark is not part of `t`
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - raw.rfind(b"\n", 0, e.start)
        raise at(path, line, col, "", f"not a text (CSV) file: not UTF-8 (byte "
                 f"0x{raw[e.start]:02x}: {e.reason})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    max_rows, max_cell, first = int(limit("record_rows")), limit("string"), 1
    try:
        for cells in reader:
            line, first = first, reader.line_num + 1  # a quoted cell may span lines
            if not cells or cells[0].lstrip().startswith("#"):
                continue
            for c, cell in enumerate(cells):
                if len(cell) > max_cell:
                    raise at(path, line, c + 1, "", f"a cell of {len(cell):,} characters; "
                             f"{LIMITS['string'].hint()}")
            if len(rows) > max_rows:  # the header plus max_rows rows of data are allowed
                raise at(path, line, None, "", f"more than {max_rows:,} rows of data; "
                         f"{LIMITS['record_rows'].hint()}")
            rows.append((line, cells))
    except csv.Error as e:  # the csv module's own bound on a cell (131,072 characters), or NUL
        hint = f"; {LIMITS['string'].hint()}" if "field limit" in str(e) else ""
        raise at(path, reader.line_num, None, "", f"not a readable CSV row ({e}){hint}") from None
    return rows
