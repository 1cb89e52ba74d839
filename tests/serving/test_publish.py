"""The published snapshot (orchestration/serving/publish.py) on a small hand-made warehouse: what it
copies, that a reader keeps its snapshot across a publish, that a failed publish leaves the old
one, and that DuckDB 1.x opens it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import query

from orchestration.serving.publish import (
    NothingPublished,
    connect_published,
    partial_snapshots,
    publish,
)


def _warehouse(path: Path, leads: int) -> Path:
    con = duckdb.connect(str(path))
    try:
        for schema in ("marts", "quality", "config", "staging", "intermediate", "raw"):
            con.execute(f"create schema if not exists {schema}")
        con.execute(
            "create or replace table marts.dim_leads as select 'L' || i as lead_id, "
            "i * 1.5 as lead_score, timestamp '2026-01-01' + to_days(i) as created_at "
            f"from range({leads}) t(i)"
        )
        con.execute(
            "create or replace table quality.rpt_reconciliation as "
            f"select 'leads' as raw_table, {leads} as raw_rows, true as is_reconciled"
        )
        con.execute("create or replace table config.channels as select 'paid_search' as channel")
        con.execute(f"create or replace table staging.stg_leads as select {leads} as n")
        con.execute("create or replace table raw.leads as select 1 as n")
    finally:
        con.close()
    return path


def test_publish_copies_the_reader_schemas_only(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "funnel.duckdb", 5)
    target = tmp_path / "published" / "funnel.duckdb"

    publication = publish(warehouse, target, run_id="run-1")

    assert publication.tables == {
        "config.channels": 1,
        "marts.dim_leads": 5,
        "quality.rpt_reconciliation": 1,
    }
    schemas = {
        s for (s,) in query(target, "select distinct table_schema from information_schema.tables")
    }
    assert schemas == {"config", "marts", "quality", "serving"}
    assert query(target, "select run_id, storage_version from serving.publication") == [
        ("run-1", "v1.2.0")
    ]
    assert query(target, "select * from serving.published_tables order by 1") == sorted(
        publication.tables.items()
    )
    assert query(target, "select sum(lead_score) from marts.dim_leads") == query(
        warehouse, "select sum(lead_score) from marts.dim_leads"
    )
    assert partial_snapshots(target) == []
    assert not Path(str(target) + ".wal").exists()


COUNT_LEADS = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from marts.dim_leads").fetchone()[0])
"""


def test_an_open_reader_keeps_its_snapshot_and_the_next_one_sees_the_new(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "funnel.duckdb", 5)
    target = tmp_path / "published" / "funnel.duckdb"
    publish(warehouse, target)
    reader = connect_published(target)
    try:
        _warehouse(warehouse, 9)
        publish(warehouse, target)  # the reader's file is never written in place
        assert reader.execute("select count(*) from marts.dim_leads").fetchone() == (5,)
        # A new reader elsewhere (DuckDB hands a process that still holds the file open its
        # cached database, so the new reader is another process, as a BI tool is).
        count = subprocess.run(
            [sys.executable, "-c", COUNT_LEADS, str(target)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert count.stdout.strip() == "9"
    finally:
        reader.close()


def test_a_failed_publish_leaves_the_old_snapshot_and_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = _warehouse(tmp_path / "funnel.duckdb", 5)
    target = tmp_path / "published" / "funnel.duckdb"
    publish(warehouse, target)
    before = target.stat().st_ino
    _warehouse(warehouse, 9)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("orchestration.serving.publish.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        publish(warehouse, target)
    monkeypatch.undo()
    assert partial_snapshots(target) == [], "the new copy is removed"
    assert target.stat().st_ino == before
    assert query(target, "select count(*) from marts.dim_leads") == [(5,)]
    publish(warehouse, target)
    assert query(target, "select count(*) from marts.dim_leads") == [(9,)]


def test_a_partial_snapshot_of_a_killed_publish_is_removed_by_the_next(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "funnel.duckdb", 3)
    target = tmp_path / "published" / "funnel.duckdb"
    target.parent.mkdir()
    left = target.with_name(f".{target.name}.123.456.partial")
    left.write_bytes(b"half a file")
    assert partial_snapshots(target) == [left]
    publish(warehouse, target)
    assert not left.exists()


def test_nothing_published_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(NothingPublished, match="funnel build"):
        connect_published(tmp_path / "published" / "funnel.duckdb")


READ_EVERY_TABLE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
for schema, name in tables:
    con.execute(f'select * from "{schema}"."{name}"').fetchall()
print(duckdb.__version__, len(tables))
"""


def test_duckdb_1_2_opens_the_snapshot_and_reads_every_table(tmp_path: Path) -> None:
    """BI drivers ship DuckDB 1.2 to 1.4; 1.2 is the oldest the storage version promises."""
    warehouse = _warehouse(tmp_path / "funnel.duckdb", 5)
    target = tmp_path / "published" / "funnel.duckdb"
    publish(warehouse, target)
    venv = tmp_path / "duckdb12"
    uv = Path(sys.executable).parent / "uv"
    subprocess.run([str(uv), "venv", "-q", "-p", sys.executable, str(venv)], check=True)
    subprocess.run(
        [str(uv), "pip", "install", "-q", "--python", str(venv / "bin" / "python"),
         "duckdb==1.2.2"],
        check=True, env={**os.environ, "VIRTUAL_ENV": str(venv)},
    )  # fmt: skip
    read = subprocess.run(
        [str(venv / "bin" / "python"), "-c", READ_EVERY_TABLE, str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert read.returncode == 0, read.stderr
    assert read.stdout.split() == ["1.2.2", "5"]
    # The warehouse itself, in DuckDB 2.0's format, is what such a client cannot open.
    own = subprocess.run(
        [str(venv / "bin" / "python"), "-c", READ_EVERY_TABLE, str(warehouse)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert own.returncode != 0
