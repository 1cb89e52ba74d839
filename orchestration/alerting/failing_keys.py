"""A sample of the rows a failed dbt test found, for the alert.

dagster-dbt reports only the count of failing rows. The test's compiled SQL is in the
``run_results.json`` of the invocation (``target/<op>-<run id[:7]>-<uuid>/``, matched by the
invocation id that dagster-dbt puts in the check's metadata), and it selects exactly the
failing rows, so re-running it with a limit on a read-only connection yields their keys (the
first column: the child key of a relationships test, the duplicated value of a unique test).

Best effort by design: the keys are as of the moment the alert is written (a later build may
have changed the data), and any obstacle (the warehouse locked by a running build, the target
folder cleaned, a Python check without SQL) leaves the keys out with a note saying why.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path

import duckdb

from orchestration.alerting.alerts import CheckFailure
from orchestration.settings import PROJECT_DIR

SAMPLE_SIZE = 5


def dbt_target_root() -> Path:
    """Where dagster-dbt puts each invocation's target folder (DBT_TARGET_PATH, as it does)."""
    path = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return path if path.is_absolute() else PROJECT_DIR / path


def compiled_test_sql(
    failure: CheckFailure, target_root: Path | None = None, *, cache: dict | None = None
) -> str | None:
    """The compiled SQL of the failed dbt test, or None when it cannot be found."""
    if not (failure.dbt_unique_id and failure.dbt_invocation_id):
        return None
    root = target_root or dbt_target_root()
    results = None if cache is None else cache.get(failure.dbt_invocation_id)
    if results is None:
        results = _run_results(root, failure.run_id, failure.dbt_invocation_id)
        if cache is not None and results is not None:
            cache[failure.dbt_invocation_id] = results
    if not results:
        return None
    return results.get(failure.dbt_unique_id)


def _run_results(root: Path, run_id: str, invocation_id: str) -> dict[str, str] | None:
    for path in sorted(root.glob(f"*-{run_id[:7]}-*/run_results.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if data.get("metadata", {}).get("invocation_id") != invocation_id:
            continue
        return {
            r["unique_id"]: r["compiled_code"]
            for r in data.get("results", [])
            if r.get("compiled_code")
        }
    return None


def _connect_read_only(warehouse: Path, attempts: int, pause: float) -> duckdb.DuckDBPyConnection:
    """A read-only connection, retried briefly: the dbt process of the run that just failed
    may still be releasing its write lock when the alert is written."""
    for attempt in range(attempts):
        try:
            return duckdb.connect(str(warehouse), read_only=True)
        except duckdb.Error:
            if attempt == attempts - 1:
                raise
            time.sleep(pause)
    raise AssertionError("unreachable")


def sample_keys(
    sql: str, warehouse: Path, limit: int = SAMPLE_SIZE, *, attempts: int = 4, pause: float = 1.0
) -> tuple[str, ...]:
    """The first column of up to ``limit`` failing rows; raises duckdb.Error if the warehouse
    cannot be opened read-only (a build is writing) or the SQL no longer runs."""
    con = _connect_read_only(warehouse, attempts, pause)
    try:
        rows = con.execute(
            f"select * from (\n{sql}\n) as failing_rows limit {int(limit)}"
        ).fetchall()
    finally:
        con.close()
    return tuple("NULL" if row[0] is None else str(row[0]) for row in rows)


def with_sample_keys(
    failure: CheckFailure,
    warehouse: Path,
    *,
    target_root: Path | None = None,
    cache: dict | None = None,
) -> CheckFailure:
    """The failure with ``sample_keys`` filled in, or with ``keys_note`` saying why not."""
    if failure.sample_keys:
        return failure  # the check reported its own (Python checks do)
    if not failure.dbt_unique_id:
        return replace(failure, keys_note="not a dbt test")
    sql = compiled_test_sql(failure, target_root, cache=cache)
    if sql is None:
        return replace(failure, keys_note="the test's compiled SQL is no longer in target/")
    if not warehouse.exists():
        return replace(failure, keys_note=f"warehouse {warehouse} not found")
    try:
        keys = sample_keys(sql, warehouse)
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        return replace(failure, keys_note=f"warehouse not readable now: {first_line}")
    if not keys:
        return replace(failure, keys_note="the failing rows are gone (data changed since)")
    return replace(failure, sample_keys=keys)
