"""`warroom query`: DuckDB SQL over a run or experiment folder's Parquet tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import UserError


def run_query(run_dir: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows `sql` gives over the folder's tables (one view per file)."""
    import duckdb

    files = sorted(run_dir.glob("*.parquet")) if run_dir.is_dir() else []
    if not files:
        raise UserError(f"{run_dir}: no Parquet tables here (expected an experiment or run "
                        "folder)")
    con = duckdb.connect()
    for f in files:
        literal = str(f).replace("'", "''")
        con.execute(f"CREATE VIEW \"{f.stem}\" AS SELECT * FROM read_parquet('{literal}')")
    try:
        cur = con.execute(sql)
    except duckdb.Error as e:
        names = ", ".join(f.stem for f in files)
        raise UserError(f"query: {str(e).splitlines()[0]} (tables: {names})") from None
    cols = [d[0] for d in cur.description]
    return cols, cur.fetchall()
