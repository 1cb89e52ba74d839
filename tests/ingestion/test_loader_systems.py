"""Loader tests for source-system folders: ``<landing>/<system>/<table>/**`` loads into
``raw_<system>.<table>`` under the rules of the landing contract (completeness, immutability,
rejects with line and reason, rows in = loaded + rejected), recorded in the one manifest and the
one rejects table as ``<system>.<table>``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_loader import query, write_csv, write_lines

from orchestration.ingestion import loader
from orchestration.ingestion.contract import LINEAGE_COLUMNS, TABLES
from orchestration.ingestion.loader import (
    SETTLE_SECONDS_ENV,
    LandingFileChangedError,
    MissingColumnError,
    connect,
    load_landing,
    load_table,
    not_loadable,
    pending_files,
)
from orchestration.ingestion.systems import SYSTEMS

VALID_TEXT = {
    "BIGINT": "42",
    "DOUBLE": "1.5",
    "TIMESTAMP": "2024-01-01T18:01:33.000+0000",  # Salesforce's form
    "DATE": "2024-01-02",
    "BOOLEAN": "false",
}


@pytest.fixture(autouse=True)
def no_settle_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTLE_SECONDS_ENV, "0")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "funnel.duckdb"


def system_row(system: str, table: str, n: int, **overrides: str) -> dict[str, str]:
    values = {
        c.name: f"{c.name}-{n}" if c.type == "VARCHAR" else VALID_TEXT[c.type]
        for c in SYSTEMS[system].tables[table].columns
    }
    return values | overrides


def tables_of(warehouse: Path, schema: str) -> set[str]:
    rows = query(
        warehouse,
        f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}'",
    )
    return {name for (name,) in rows}


def test_a_system_file_loads_into_its_raw_schema_with_lineage(
    landing: Path, warehouse: Path
) -> None:
    rows = [
        system_row("salesforce", "lead", 1),
        system_row("salesforce", "lead", 2, created_date="2024-01-01T20:01:33+02:00"),
        system_row("salesforce", "lead", 3, last_modified_date="2024-01-05"),
    ]
    write_csv(landing / "salesforce" / "lead" / "batch_0001.csv", rows)

    report = load_landing(landing, warehouse)

    (result,) = report.files
    assert (result.file, result.table, result.rows_in, result.rows_loaded) == (
        "salesforce/lead/batch_0001.csv",
        "salesforce.lead",
        3,
        3,
    )
    assert result.rows_in == result.rows_loaded + result.rows_rejected
    t = datetime(2024, 1, 1, 18, 1, 33)
    loaded = query(
        warehouse,
        "SELECT id, number_of_employees, created_date, last_modified_date, is_deleted, "
        "_source_file, _source_line, _loaded_at IS NOT NULL, _date_only_columns "
        "FROM raw_salesforce.lead ORDER BY _source_line",
    )
    lineage = ("salesforce/lead/batch_0001.csv",)
    assert loaded == [
        ("id-1", 42, t, t, False, *lineage, 2, True, None),
        ("id-2", 42, t, t, False, *lineage, 3, True, None),
        ("id-3", 42, t, datetime(2024, 1, 5), False, *lineage, 4, True, "last_modified_date"),
    ]
    assert query(
        warehouse,
        "SELECT source_file, table_name, rows_in, rows_loaded, rows_rejected, date_only_values "
        "FROM raw._load_manifest",
    ) == [("salesforce/lead/batch_0001.csv", "salesforce.lead", 3, 3, 0, 1)]
    assert "salesforce.lead: 1 file(s) loaded" in report.summary()
    assert query(warehouse, "SELECT count(*) FROM raw.leads") == [(0,)]  # nothing in raw


def test_a_systems_raw_tables_have_its_columns_and_the_lineage(
    landing: Path, warehouse: Path
) -> None:
    load_landing(landing, warehouse, systems=["marketo"])

    marketo = SYSTEMS["marketo"]
    assert tables_of(warehouse, "raw_marketo") == set(marketo.tables)
    assert tables_of(warehouse, "raw_salesforce") == set()  # neither enabled nor delivered
    assert tables_of(warehouse, "raw") == set(TABLES) | {"_load_manifest", "_load_rejects"}
    for name, table in marketo.tables.items():
        columns = query(
            warehouse,
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_schema = 'raw_marketo' AND table_name = '{name}' "
            "ORDER BY ordinal_position",
        )
        assert columns == [(c.name, c.type) for c in table.columns] + list(LINEAGE_COLUMNS)


def test_a_delivered_system_has_its_tables_even_when_not_enabled(
    landing: Path, warehouse: Path
) -> None:
    write_csv(landing / "salesforce" / "task" / "t.csv", [system_row("salesforce", "task", 1)])

    report = load_landing(landing, warehouse)

    assert tables_of(warehouse, "raw_salesforce") == set(SYSTEMS["salesforce"].tables)
    assert query(warehouse, "SELECT id FROM raw_salesforce.task") == [("id-1",)]
    assert {t.table for t in report.tables} >= {"salesforce.task", "salesforce.lead", "leads"}
    assert not any(t.table.startswith("marketo.") for t in report.tables)


def test_unknown_systems_and_system_tables_are_refused(landing: Path, warehouse: Path) -> None:
    with pytest.raises(ValueError, match="unknown source system.*pipedrive"):
        load_landing(landing, warehouse, systems=["pipedrive"])
    with pytest.raises(ValueError, match=r"unknown table\(s\) salesforce\.leads"):
        load_landing(landing, warehouse, tables=["salesforce.leads"])


def test_ignored_vendor_columns_are_recorded(landing: Path, warehouse: Path) -> None:
    rows = [system_row("salesforce", "lead", 1) | {"OwnerId": "005x", "SystemModstamp": "y"}]
    write_csv(landing / "salesforce" / "lead" / "a.csv", rows)

    report = load_landing(landing, warehouse)

    assert query(warehouse, "SELECT ignored_columns FROM raw._load_manifest") == [
        ("OwnerId,SystemModstamp",)
    ]
    assert report.files[0].extra_columns == ("OwnerId", "SystemModstamp")
    assert "ignored column(s) OwnerId, SystemModstamp in salesforce/lead/a.csv" in report.summary()


def test_a_missing_required_column_fails_that_file(landing: Path, warehouse: Path) -> None:
    rows = [system_row("salesforce", "lead", 1)]
    del rows[0]["created_date"]
    write_csv(landing / "salesforce" / "lead" / "a.csv", rows)
    write_csv(landing / "leads" / "fine.csv", [{c.name: "" for c in TABLES["leads"].columns}])

    with pytest.raises(MissingColumnError, match="salesforce/lead/a.csv.*created_date"):
        load_landing(landing, warehouse)

    assert query(warehouse, "SELECT count(*) FROM raw._load_manifest") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM raw_salesforce.lead") == [(0,)]


def test_optional_columns_may_be_absent(landing: Path, warehouse: Path) -> None:
    table = SYSTEMS["salesforce"].tables["lead"]
    required = {
        c.name: system_row("salesforce", "lead", 1)[c.name] for c in table.columns if c.required
    }
    write_csv(landing / "salesforce" / "lead" / "a.csv", [required])

    report = load_landing(landing, warehouse)

    assert report.files[0].missing_optional_columns == tuple(
        c.name for c in table.columns if not c.required
    )
    assert query(warehouse, "SELECT id, master_record_id FROM raw_salesforce.lead") == [
        ("id-1", None)
    ]


def test_rejects_carry_the_system_table_line_and_reason(landing: Path, warehouse: Path) -> None:
    rows = [
        system_row("salesforce", "lead", 1),
        system_row("salesforce", "lead", 2, number_of_employees="many"),
        system_row("salesforce", "lead", 3, created_date="2024-01-01T18:01:33+15:00"),
    ]
    path = write_csv(landing / "salesforce" / "lead" / "a.csv", rows)
    with path.open("a") as fh:
        fh.write('broken,"line\n')

    report = load_landing(landing, warehouse)

    (result,) = report.files
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (4, 1, 3)
    assert query(
        warehouse,
        "SELECT table_name, source_file, source_line, reason FROM raw._load_rejects ORDER BY 3",
    ) == [
        (
            "salesforce.lead",
            "salesforce/lead/a.csv",
            3,
            "number_of_employees: cannot parse 'many' as BIGINT",
        ),
        (
            "salesforce.lead",
            "salesforce/lead/a.csv",
            4,
            "created_date: cannot parse '2024-01-01T18:01:33+15:00' as TIMESTAMP",
        ),
        (
            "salesforce.lead",
            "salesforce/lead/a.csv",
            5,
            "malformed CSV line: unterminated or misplaced quote",
        ),
    ]
    assert query(
        warehouse, "SELECT rows_in, rows_loaded, rows_rejected FROM raw._load_manifest"
    ) == [(4, 1, 3)]


def test_marketo_parquet_with_epoch_milliseconds(landing: Path, warehouse: Path) -> None:
    table = pa.table(
        {
            "id": pa.array(["g1", "g2", "g3"]),
            "lead_id": pa.array([7, 8, 9], pa.int64()),
            "activity_date": pa.array([1704132093000, 1704132093500, 1704132093], pa.int64()),
            "primary_attribute_value": pa.array(["/pricing", "/blog", "/x"]),
            "webpage_url": pa.array(["https://x/pricing", None, "https://x/x"]),
            "referrer": pa.array(["a", "b", "c"]),  # not in the contract: ignored
        }
    )
    path = landing / "marketo" / "activity_visit_webpage" / "2024-01" / "p.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)

    with connect(warehouse) as con:
        report = load_table(con, landing, "marketo.activity_visit_webpage")

    assert (report.table, report.rows_in, report.rows_loaded, report.rows_rejected) == (
        "marketo.activity_visit_webpage",
        3,
        2,
        1,
    )
    assert query(
        warehouse,
        "SELECT id, lead_id, activity_date, campaign_id, _source_file, _source_line "
        "FROM raw_marketo.activity_visit_webpage ORDER BY 1",
    ) == [
        (
            "g1",
            7,
            datetime(2024, 1, 1, 18, 1, 33),
            None,
            "marketo/activity_visit_webpage/2024-01/p.parquet",
            1,
        ),
        (
            "g2",
            8,
            datetime(2024, 1, 1, 18, 1, 33, 500000),
            None,
            "marketo/activity_visit_webpage/2024-01/p.parquet",
            2,
        ),
    ]
    assert query(warehouse, "SELECT table_name, source_line, reason FROM raw._load_rejects") == [
        (
            "marketo.activity_visit_webpage",
            3,
            "activity_date: cannot parse '1704132093' as TIMESTAMP",
        )
    ]
    assert query(warehouse, "SELECT ignored_columns FROM raw._load_manifest") == [("referrer",)]


def test_loading_a_second_time_adds_nothing(landing: Path, warehouse: Path) -> None:
    write_csv(landing / "salesforce" / "lead" / "a.csv", [system_row("salesforce", "lead", 1)])
    write_csv(
        landing / "salesforce" / "account" / "a.csv",
        [system_row("salesforce", "account", 1), system_row("salesforce", "account", 2)],
    )
    first = load_landing(landing, warehouse, systems=["salesforce"])
    manifest = query(warehouse, "SELECT * FROM raw._load_manifest ORDER BY source_file")

    second = load_landing(landing, warehouse, systems=["salesforce"])

    assert (first.files_loaded, first.rows_loaded) == (2, 3)
    assert (second.files_loaded, second.files_skipped, second.rows_loaded) == (0, 2, 0)
    assert query(warehouse, "SELECT * FROM raw._load_manifest ORDER BY source_file") == manifest
    assert query(warehouse, "SELECT count(*), count(DISTINCT id) FROM raw_salesforce.account") == [
        (2, 2)
    ]
    assert query(warehouse, "SELECT count(*) FROM raw_salesforce.lead") == [(1,)]
    assert pending_files(landing, warehouse) == {}


def test_a_changed_system_file_is_an_error(landing: Path, warehouse: Path) -> None:
    path = write_csv(
        landing / "salesforce" / "lead" / "a.csv", [system_row("salesforce", "lead", 1)]
    )
    load_landing(landing, warehouse)
    write_csv(path, [system_row("salesforce", "lead", 2)])

    with pytest.raises(LandingFileChangedError, match="salesforce/lead/a.csv changed"):
        load_landing(landing, warehouse)


def test_system_files_still_being_written_are_pending(
    landing: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTLE_SECONDS_ENV, "60")
    monkeypatch.setattr(loader, "_wait", lambda seconds: None)
    write_csv(landing / "salesforce" / "lead" / "a.csv", [system_row("salesforce", "lead", 1)])

    report = load_landing(landing, warehouse)

    assert [(f.file, f.pending) for f in report.files] == [("salesforce/lead/a.csv", True)]
    assert pending_files(landing, warehouse) == {}
    assert query(warehouse, "SELECT count(*) FROM raw._load_manifest") == [(0,)]


def test_unknown_folders_and_loose_files_in_a_system_folder_are_reported(
    landing: Path, warehouse: Path
) -> None:
    write_csv(landing / "salesforce" / "leads" / "x.csv", [system_row("salesforce", "lead", 1)])
    write_csv(landing / "salesforce" / "lead.csv", [system_row("salesforce", "lead", 2)])
    write_csv(landing / "salesforce" / "lead" / "a.csv", [system_row("salesforce", "lead", 3)])
    write_lines(landing / "salesforce" / "lead" / "2025-03" / "export.xlsx", ["not csv"])
    write_lines(landing / "salesforce" / ".DS_Store", ["finder"])
    write_lines(landing / "salesforce" / "_tmp" / "x.csv", ["in flight"])
    write_lines(landing / "marketo" / "notes.txt", ["a note"])
    write_lines(landing / "pipedrive" / "person" / "x.csv", ["id"])

    expected = [
        "marketo/notes.txt",
        "pipedrive/",
        "salesforce/lead.csv",
        "salesforce/lead/2025-03/export.xlsx",
        "salesforce/leads/",
    ]
    assert not_loadable(landing) == expected
    report = load_landing(landing, warehouse)

    assert report.not_loadable == expected
    assert [(f.file, f.rows_loaded) for f in report.files] == [("salesforce/lead/a.csv", 1)]
    (warning,) = [line for line in report.summary().splitlines() if "WARNING" in line]
    assert ", ".join(expected) in warning
    assert f"known tables: {', '.join(sorted(TABLES))}" in warning
    folders = ", ".join(f"{system}/<table>/" for system in sorted(SYSTEMS))
    assert f"source-system folders: {folders}" in warning
    assert f"salesforce tables: {', '.join(sorted(SYSTEMS['salesforce'].tables))}" in warning
    assert f"marketo tables: {', '.join(sorted(SYSTEMS['marketo'].tables))}" in warning


def test_pending_files_and_landing_has_files_see_system_files(
    landing: Path, warehouse: Path
) -> None:
    write_csv(landing / "salesforce" / "leads" / "x.csv", [system_row("salesforce", "lead", 1)])
    assert not loader.landing_has_files(landing)  # an unknown folder is no delivery

    lead = write_csv(
        landing / "salesforce" / "lead" / "2025" / "a.csv", [system_row("salesforce", "lead", 1)]
    )
    visit = landing / "marketo" / "activity_visit_webpage" / "v.csv.gz"
    visit.parent.mkdir(parents=True)
    visit.write_bytes(b"")  # a name the loader takes is a delivery, whatever is in it

    assert loader.landing_has_files(landing)
    assert pending_files(landing, warehouse) == {
        "marketo.activity_visit_webpage": [visit],
        "salesforce.lead": [lead],
    }
