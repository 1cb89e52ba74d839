"""The warehouse side of the checks: short connections, and the row counts of past builds.

DuckDB lets one process write a file or several read it, never both. Under Dagster's
multiprocess executor the checks of different marts run side by side (each reading, each then
recording its row count), so a connection that meets a lock waits and retries instead of failing
the check. Connections are held only for the read or the one insert.

The previous build's row count lives in the warehouse (``audit.ge_row_counts``, one row per
mart and evaluation) rather than in Dagster's event log: the baseline belongs to the data it
describes, so a copied warehouse, a second Dagster instance or a fresh test instance compare
against the right build. The schema is the one dbt writes its test failures to.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

ROW_COUNTS_SCHEMA = "audit"
ROW_COUNTS_TABLE = "ge_row_counts"
ROW_COUNTS = f"{ROW_COUNTS_SCHEMA}.{ROW_COUNTS_TABLE}"
LOCK_WAIT_SECONDS = 60.0


@contextmanager
def connect(
    path: Path, *, read_only: bool, wait_seconds: float = LOCK_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse that waits out another process's lock (up to
    ``wait_seconds``), then closes when the block ends."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.1
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    try:
        yield con
    finally:
        con.close()


def previous_row_count(con: duckdb.DuckDBPyConnection, mart: str) -> int | None:
    """The row count the last evaluation recorded for ``mart``; None before the first."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [ROW_COUNTS_SCHEMA, ROW_COUNTS_TABLE],
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute(
        f"select row_count from {ROW_COUNTS} where mart = ? "
        "order by recorded_at desc, row_count desc limit 1",
        [mart],
    ).fetchone()
    return None if row is None else int(row[0])


def record_row_count(
    con: duckdb.DuckDBPyConnection, mart: str, row_count: int, run_id: str
) -> None:
    """Appends this evaluation's count: the history stays, the latest row is the baseline."""
    con.execute(f"create schema if not exists {ROW_COUNTS_SCHEMA}")
    con.execute(
        f"create table if not exists {ROW_COUNTS} ("
        "mart varchar not null, row_count bigint not null, run_id varchar, "
        "recorded_at timestamp not null)"
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute(f"insert into {ROW_COUNTS} values (?, ?, ?, ?)", [mart, row_count, run_id, now])
