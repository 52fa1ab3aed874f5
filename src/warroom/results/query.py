"""`warroom query`: DuckDB SQL over a run or experiment folder's Parquet tables, confined.

The SQL may come from anyone (a shared notebook, a pasted command), so it gets a read-only view
of the folder's tables and nothing else. Two independent locks:

1. Only one statement, and a read: DuckDB's own parser decides (no regex guessing), and only
   SELECT-type statements (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE) run, or an
   EXPLAIN of one. COPY, ATTACH, SET, PRAGMA, INSTALL/LOAD, CREATE, ... are refused.
2. The connection itself cannot reach the machine: `enable_external_access = false` with
   `allowed_paths` set to exactly the folder's Parquet files (a view over `read_parquet` re-checks
   file access at every query, so the files must stay allowed), then `lock_configuration` so the
   SQL cannot undo it. Reading any other file, globbing, writing outside those files, attaching
   databases and loading extensions all fail inside DuckDB even if a statement slipped past (1).
   (An allowed path is writable too, so only (1) keeps COPY off the folder's own files; loading
   them into memory instead would cost the whole table in RAM.) DuckDB always allows its temp
   (spill) directory as well, so that is a private one, deleted afterwards.

Relies on DuckDB >= 1.3 (`allowed_paths`); written against 2.0.1.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..limits import limit

_ALLOWED = ("one read-only query over the folder's tables: SELECT, WITH ... SELECT, FROM, "
            "VALUES, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN of one")


def _ident(name: str) -> str:
    """A quoted SQL identifier: a file name is data, never SQL."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def _read_statement(sql: str) -> Any:
    """The one read-only statement in `sql` (as DuckDB parsed it), or a UserError."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise UserError(f"query: {_first_line(e)}") from None
    if len(statements) != 1:
        raise UserError(f"query: {len(statements)} SQL statements given; allowed: {_ALLOWED}")
    st = statements[0]
    kind = st.type
    if kind == duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs what it explains, so look inside; anything odd is refused.
        m = re.match(r"\s*explain(\s+analyze)?\s", st.query, re.IGNORECASE)
        try:
            inner = duckdb.extract_statements(st.query[m.end():]) if m else []
        except duckdb.Error:
            inner = []
        kind = inner[0].type if len(inner) == 1 else duckdb.StatementType.INVALID
    if kind != duckdb.StatementType.SELECT:
        name = kind.name.replace("_", " ")
        raise UserError(f"query: refused a {name} statement (the folder is read-only); "
                        f"allowed: {_ALLOWED}")
    return st


def run_query(run_dir: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    """The column names and rows `sql` gives over the folder's tables (one view per file), at
    most `limit('query_rows')` of them, and whether there were more."""
    import duckdb

    if not run_dir.is_dir():
        raise UserError(f"{run_dir}: no such folder (expected an experiment or run folder)")
    # Absolute, unresolved paths: what read_parquet opens must match allowed_paths exactly.
    files = sorted(f.absolute() for f in run_dir.glob("*.parquet") if f.is_file())
    if not files:
        raise UserError(f"{run_dir}: no Parquet tables here (expected an experiment or run "
                        "folder)")
    statement = _read_statement(sql)  # refuse before touching anything
    with tempfile.TemporaryDirectory(prefix="warroom-query-") as spill, duckdb.connect(config={
        "temp_directory": spill,
        "python_enable_replacements": False,  # no scans of the caller's Python variables
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }) as con:
        con.execute("SET allowed_paths = ?", [[str(f) for f in files]])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        # The views are made under the locks too: they prove the allowed paths suffice.
        for f in files:
            try:
                con.execute(f"CREATE VIEW {_ident(f.stem)} AS "
                            f"SELECT * FROM read_parquet({_literal(str(f))})")
            except duckdb.Error as e:
                raise UserError(f"{f}: cannot use it as a table ({_first_line(e)})") from None
        try:
            cur = con.execute(statement)
            cols = [d[0] for d in cur.description]
            most = int(limit("query_rows"))
            rows = cur.fetchmany(most + 1)
            return cols, rows[:most], len(rows) > most
        except duckdb.Error as e:
            names = ", ".join(f.stem for f in files)
            raise UserError(f"query: {_first_line(e)} (tables: {names})") from None
