"""`warroom query`: SQL over a folder's Parquet tables works, and cannot reach or change anything.

Each escape must fail with a clear UserError and leave every file under tmp_path (the folder and
the secret next to it) byte-identical, with no new file anywhere under tmp_path.
"""

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import invoke
from warroom.errors import UserError
from warroom.results.query import run_query

HOSTILE = "x\" AS SELECT 1; COPY (SELECT 1) TO 'pwn.csv'; CREATE VIEW \"y"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative COPY target would land in tmp_path
    (tmp_path / "secret.txt").write_text("name,password\nroot,hunter2\n")
    run = tmp_path / "run"
    run.mkdir()
    pq.write_table(pa.table({"winner": ["blue", "red", "blue"], "replication": [0, 1, 2]}),
                   run / "replications.parquet")
    pq.write_table(pa.table({"replication": [0, 1, 2], "end_time": [3.0, 4.5, 6.0]}),
                   run / "ends.parquet")
    return run


def snapshot(root):
    """Every file under root, by relative path, with its content hash."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def refused(folder, sql, *needles):
    """run_query(folder, sql) raises a UserError containing every needle and changes nothing."""
    root = folder.parent
    before = snapshot(root)
    with pytest.raises(UserError) as e:
        run_query(folder, sql)
    assert snapshot(root) == before
    message = str(e.value)
    assert "\n" not in message and "Traceback" not in message
    for needle in needles:
        assert needle in message, message
    return message


def test_select(folder):
    cols, rows, _ = run_query(folder, "SELECT winner, count(*) AS n FROM replications "
                                   "GROUP BY winner ORDER BY winner")
    assert cols == ["winner", "n"] and rows == [("blue", 2), ("red", 1)]


def test_join_and_with(folder):
    sql = ("WITH w AS (SELECT * FROM replications WHERE winner = 'blue') "
           "SELECT w.replication, e.end_time FROM w JOIN ends e USING (replication) "
           "ORDER BY 1;")
    assert run_query(folder, sql) == (["replication", "end_time"], [(0, 3.0), (2, 6.0)], False)


def test_describe_show_explain(folder):
    assert ("ends",) in run_query(folder, "SHOW TABLES")[1]
    assert [r[0] for r in run_query(folder, "DESCRIBE replications")[1]] == [
        "winner", "replication"]
    assert run_query(folder, "EXPLAIN SELECT * FROM ends")[1]


@pytest.mark.parametrize("reader", ["read_csv", "read_text", "read_blob", "read_csv_auto"])
def test_reading_outside_the_folder_fails(folder, reader):
    secret = folder.parent / "secret.txt"
    refused(folder, f"SELECT * FROM {reader}('{secret}')", "Permission Error", "secret.txt")
    refused(folder, f"SELECT * FROM {reader}('{folder}/../secret.txt')", "Permission Error")


def test_glob_fails(folder):
    refused(folder, f"SELECT * FROM glob('{folder.parent}/*')", "Permission Error")
    refused(folder, f"SELECT * FROM glob('{folder}/*')", "Permission Error")


@pytest.mark.parametrize("target", ["pwn.csv", "{tmp}/pwn.csv", "{run}/replications.parquet",
                                    "{run}/new.parquet"])
def test_copy_fails(folder, target):
    target = target.format(tmp=folder.parent, run=folder)
    refused(folder, f"COPY (SELECT 1 AS a) TO '{target}'", "refused a COPY statement",
            "allowed: one read-only query")
    refused(folder, f"COPY replications TO '{target}' (FORMAT parquet)", "COPY")
    refused(folder, f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{target}'", "refused")


@pytest.mark.parametrize("sql, kind", [
    ("ATTACH '{tmp}/x.db' AS x", "ATTACH"),
    ("INSTALL httpfs", "LOAD"),
    ("LOAD httpfs", "LOAD"),
    ("SET enable_external_access = true", "SET"),
    ("RESET lock_configuration", "SET"),
    ("PRAGMA enable_profiling", "PRAGMA"),
    ("PRAGMA memory_limit = '1GB'", "SET"),
    ("CREATE TABLE t AS SELECT 1", "CREATE"),
    ("DROP VIEW replications", "DROP"),
    ("EXPORT DATABASE '{tmp}/dump'", "EXPORT"),
    ("CALL checkpoint()", "CALL"),
])
def test_non_reads_are_refused(folder, sql, kind):
    refused(folder, sql.format(tmp=folder.parent), f"refused a {kind} statement")
    assert not (folder.parent / "x.db").exists() and not (folder.parent / "dump").exists()


def test_exactly_one_statement(folder):
    refused(folder, "SELECT 1; COPY (SELECT 1) TO 'pwn.csv'", "2 SQL statements given")
    refused(folder, "SELECT 1; SELECT 2", "2 SQL statements given")
    refused(folder, "  ; -- nothing", "0 SQL statements given")


def test_the_connection_itself_is_locked(folder, monkeypatch):
    """Second lock: with the statement check bypassed, DuckDB still refuses to reach out."""
    from warroom.results import query

    monkeypatch.setattr(query, "_read_statement", lambda sql: sql)
    tmp = folder.parent
    for sql in [f"SELECT * FROM read_text('{tmp}/secret.txt')", f"SELECT * FROM glob('{tmp}/*')",
                f"COPY (SELECT 1) TO '{tmp}/pwn.csv'", "COPY (SELECT 1) TO 'pwn.csv'",
                f"COPY replications TO '{folder}/replications.parquet'",  # via a tmp_ file
                f"ATTACH '{tmp}/x.db'", "INSTALL httpfs", "LOAD httpfs",
                "SELECT * FROM read_parquet('https://example.com/x.parquet')"]:
        refused(folder, sql, "Permission Error")
    refused(folder, "SET enable_external_access = true", "configuration has been locked")
    refused(folder, "RESET allowed_paths", "configuration has been locked")
    # and the query() table function runs only a SELECT
    refused(folder, "SELECT * FROM query('COPY (SELECT 1) TO ''pwn.csv''')", "single SELECT")


def test_syntax_error_is_one_line(folder):
    refused(folder, "SELEC winner FROM replications", "query: Parser Error")
    refused(folder, "SELECT nope FROM replications", "tables: ends, replications")


def test_hostile_file_name_is_just_a_name(folder):
    pq.write_table(pa.table({"a": [7]}), folder / f"{HOSTILE}.parquet")
    before = snapshot(folder.parent)
    ident = '"' + HOSTILE.replace('"', '""') + '"'
    assert run_query(folder, f"SELECT a FROM {ident}") == (["a"], [(7,)], False)
    tables = {r[0] for r in run_query(folder, "SHOW TABLES")[1]}
    assert tables == {"ends", "replications", HOSTILE}  # no view "y", no SELECT 1 view
    assert snapshot(folder.parent) == before and not (folder.parent / "pwn.csv").exists()


def test_corrupt_parquet_names_the_file(folder):
    (folder / "t.parquet").write_bytes(b"not a parquet file at all")
    refused(folder, "SELECT * FROM replications", "t.parquet", "cannot use it as a table")


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(UserError, match="no such folder"):
        run_query(tmp_path / "nope", "SELECT 1")
    with pytest.raises(UserError, match="no Parquet tables"):
        run_query(tmp_path, "SELECT 1")


def test_cli(folder):
    r = invoke("query", folder, "SELECT winner FROM replications ORDER BY replication", "--csv")
    assert r.exit_code == 0 and r.output.splitlines() == ["winner", "blue", "red", "blue"]
    before = snapshot(folder.parent)
    for sql in ["COPY replications TO 'pwn.csv'", f"SELECT * FROM read_text('{folder}/../"
                "secret.txt')", "SELECT 1; SELECT 2"]:
        r = invoke("query", folder, sql)
        assert r.exit_code == 2 and "error:" in r.output and "hunter2" not in r.output
    assert snapshot(folder.parent) == before
    r = invoke("query", folder.parent / "nope", "SELECT 1")
    assert r.exit_code == 2 and "error:" in r.output and "no such folder" in r.output


def test_a_huge_result_is_cut_at_the_limit_and_says_so(folder, monkeypatch):
    monkeypatch.setenv("WARROOM_LIMIT_QUERY_ROWS", "5")
    cols, rows, more = run_query(folder, "SELECT * FROM range(1000000000)")
    assert len(rows) == 5 and more
    r = invoke("query", folder, "SELECT * FROM range(100)", "--csv")
    assert r.exit_code == 0 and "first 5 rows" in r.output
    assert "WARROOM_LIMIT_QUERY_ROWS" in r.output
