"""Publishing: the marts readers see, as one consistent snapshot that builds never touch.

The build writes the warehouse file; nobody else opens it. After a build has succeeded (every
model built and every error-severity test passed), the published asset copies the BI-facing
schemas (``marts``, ``quality``, ``config``) into a new DuckDB file beside the snapshot, in a
storage format DuckDB 1.2 and later can read, and renames it over the snapshot's path
(FUNNEL_PUBLISHED, default ``<warehouse dir>/published/<warehouse name>``). A rename is atomic:

- a reader that opened the snapshot before the rename keeps reading the old file (its inode
  lives until the reader closes it); one that opens it after reads the new one, never a mix;
- a failed or killed build publishes nothing, so readers keep the last good snapshot (and the
  build's watermark, downstream of every mart, does not advance either: the next build
  recomputes what the failed one touched);
- readers never take or wait on the build's lock, and an open reader never makes a build fail.

A half-written snapshot of a killed publish is a dot-file with a ``.partial`` suffix; the next
publish removes it, and the replaced snapshot is freed by the kernel when its last reader closes.
See docs/serving.md.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

# What BI tools, `funnel report` and the dashboard read: the marts, the quality reports and
# quarantines, and the configuration seeds (benchmark bands, MQL definitions). Raw, staging,
# intermediate and the incremental state stay private to the build.
PUBLISHED_SCHEMAS = ("marts", "quality", "config")
# The oldest DuckDB that reads the snapshot (BI drivers ship 1.2 to 1.4); a file written by 2.0
# in its own format cannot be opened by them.
STORAGE_VERSION = "v1.2.0"
PARTIAL_SUFFIX = ".partial"
META_SCHEMA = "serving"


class NothingPublished(RuntimeError):
    """No build has published a snapshot yet."""


@dataclass(frozen=True)
class Publication:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        rows = sum(self.tables.values())
        return (
            f"published {len(self.tables)} tables ({rows:,} rows) to {self.path} "
            f"in {self.seconds:.1f}s"
        )


def partial_snapshots(target: Path) -> list[Path]:
    """Half-written snapshots a killed publish left behind beside `target`."""
    if not target.parent.exists():
        return []
    return sorted(target.parent.glob(f".{target.name}.*{PARTIAL_SUFFIX}"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _catalog(path: Path) -> str:
    """DuckDB names an attached file's catalog after its stem; views and the build's own SQL
    may name that catalog, so the build file is attached under it."""
    return path.stem


def publish(
    warehouse: Path,
    target: Path,
    *,
    run_id: str = "",
    schemas: tuple[str, ...] = PUBLISHED_SCHEMAS,
) -> Publication:
    """Copies `schemas` of `warehouse` into a new snapshot file and renames it over `target`.

    Call it only after a successful build, with the build lock held (one publisher at a time).
    On any failure the new file is removed and the old snapshot stays as it was.
    """
    start = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in partial_snapshots(target):
        _remove_database(stale)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{time.time_ns()}{PARTIAL_SUFFIX}")
    try:
        tables = _write_snapshot(warehouse, partial, run_id=run_id, schemas=schemas)
        _fsync(partial)
        os.replace(partial, target)
    except BaseException:
        _remove_database(partial)
        raise
    _fsync(target.parent)
    return Publication(target, tables, time.perf_counter() - start)


def _write_snapshot(
    warehouse: Path, partial: Path, *, run_id: str, schemas: tuple[str, ...]
) -> dict[str, int]:
    """Copies `schemas` of `warehouse` into the new file `partial`; returns rows per table."""
    import duckdb

    source, snapshot = _catalog(warehouse), "snapshot"
    if source == snapshot:
        source = "build"
    tables: dict[str, int] = {}
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach {_literal(warehouse)} as {_quote(source)} (read_only)")
        con.execute(
            f"attach {_literal(partial)} as {snapshot} (storage_version '{STORAGE_VERSION}')"
        )
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = ? and table_schema in (select unnest(?)) "
            "order by table_schema, table_name",
            [source, list(schemas)],
        ).fetchall()
        for schema in sorted({s for s, _ in relations} | {META_SCHEMA}):
            con.execute(f"create schema {snapshot}.{_quote(schema)}")
        for schema, name in relations:
            qualified = f"{_quote(schema)}.{_quote(name)}"
            con.execute(
                f"create table {snapshot}.{qualified} as select * from {_quote(source)}.{qualified}"
            )
            tables[f"{schema}.{name}"] = con.execute(
                f"select count(*) from {snapshot}.{qualified}"
            ).fetchone()[0]
        con.execute(
            f"create table {snapshot}.{META_SCHEMA}.publication as select "
            "cast(? as varchar) as run_id, current_timestamp::timestamp as published_at, "
            "cast(? as varchar) as storage_version",
            [run_id, STORAGE_VERSION],
        )
        con.execute(
            f"create table {snapshot}.{META_SCHEMA}.published_tables "
            "(table_name varchar, row_count bigint)"
        )
        if tables:
            con.executemany(
                f"insert into {snapshot}.{META_SCHEMA}.published_tables values (?, ?)",
                sorted(tables.items()),
            )
        con.execute(f"detach {snapshot}")  # checkpoints: the file is whole, no WAL beside it
    finally:
        con.close()
    return tables


def _remove_database(path: Path) -> None:
    """A DuckDB file and the WAL beside it."""
    path.unlink(missing_ok=True)
    Path(str(path) + ".wal").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def connect_published(target: Path):
    """A read-only connection to the published snapshot; NothingPublished names the fix."""
    import duckdb

    if not target.exists():
        raise NothingPublished(
            f"no published snapshot at {target} yet: `funnel build` publishes one after a "
            "successful build"
        )
    return duckdb.connect(str(target), read_only=True)
