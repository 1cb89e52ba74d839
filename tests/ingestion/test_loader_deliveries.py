"""Loader tests for the bad deliveries of issue 14 ("nothing lost, nothing stalled"): each
delivery either loads, or its bad rows land in the rejects with line and reason, or the load
fails naming the file; and every file accounts for its rows (in = loaded + rejected)."""

from __future__ import annotations

import csv
import gzip
import io
import os
import random
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_loader import LEADS, csv_line, query, row, write_csv, write_lines

from orchestration.ingestion import loader
from orchestration.ingestion.contract import TABLES
from orchestration.ingestion.loader import (
    SETTLE_SECONDS_ENV,
    LoadError,
    landing_settle_seconds,
    load_landing,
    not_loadable,
    pending_files,
)


@pytest.fixture(autouse=True)
def no_settle_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are seconds old at most; the tests of the settle window set
    their own value."""
    monkeypatch.setenv(SETTLE_SECONDS_ENV, "0")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "funnel.duckdb"


def record(values: list[str]) -> str:
    """One CSV record as Python's csv module writes it, quoting embedded line breaks."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()[:-1]


def accounted(warehouse: Path, table: str, rel: str) -> tuple[int, int]:
    """(rows in raw, reject rows) of one file, counted from the warehouse itself."""
    ((loaded,),) = query(
        warehouse, f"SELECT count(*) FROM raw.{table} WHERE _source_file = '{rel}'"
    )
    ((rejected,),) = query(
        warehouse, f"SELECT count(*) FROM raw._load_rejects WHERE source_file = '{rel}'"
    )
    return loaded, rejected


def set_mtime(path: Path, seconds_from_now: float) -> None:
    stamp = time.time() + seconds_from_now
    os.utime(path, (stamp, stamp))


# 1. gzip ----------------------------------------------------------------------------------


def test_gzip_csv_loads_with_the_checks_of_a_plain_csv(landing: Path, warehouse: Path) -> None:
    lines = [
        csv_line(LEADS),
        csv_line(list(row("leads", 1).values())),
        csv_line(list(row("leads", 2, employee_count="abc").values())),
        csv_line(list(row("leads", 3).values())),
    ]
    path = landing / "leads" / "x.csv.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))

    assert pending_files(landing, warehouse) == {"leads": [path]}
    report = load_landing(landing, warehouse)

    (result,) = report.files
    assert (result.file, result.file_format) == ("leads/x.csv.gz", "csv")
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert accounted(warehouse, "leads", "leads/x.csv.gz") == (2, 1)
    assert query(warehouse, "SELECT source_line, reason, raw_record FROM raw._load_rejects") == [
        (3, "employee_count: cannot parse 'abc' as BIGINT", lines[2])
    ]
    assert query(
        warehouse,
        "SELECT source_file, file_format, file_size, rows_in, rows_loaded, rows_rejected "
        "FROM raw._load_manifest",
    ) == [("leads/x.csv.gz", "csv", path.stat().st_size, 3, 2, 1)]
    assert load_landing(landing, warehouse).files[0].skipped
    assert pending_files(landing, warehouse) == {}


def test_corrupt_gzip_fails_naming_the_file(landing: Path, warehouse: Path) -> None:
    text = "\n".join([csv_line(LEADS)] + [csv_line(list(row("leads", n).values())) for n in (1, 2)])
    path = landing / "leads" / "cut.csv.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress(text.encode())[:-12])  # the gzip trailer is missing

    with pytest.raises(LoadError, match="leads/cut.csv.gz"):
        load_landing(landing, warehouse)

    assert query(warehouse, "SELECT count(*) FROM raw._load_manifest") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM raw.leads") == [(0,)]


# 2. dated subfolders ---------------------------------------------------------------------


def test_files_in_subfolders_load_in_sorted_path_order(landing: Path, warehouse: Path) -> None:
    rels = ["2025-03/b.csv", "a.csv", "2025-03/deep/c.csv", "2025-02/x.csv"]
    for n, rel in enumerate(rels):
        write_csv(landing / "campaigns" / rel, [row("campaigns", n, campaign_id=rel)])
    write_csv(landing / "campaigns" / ".staging" / "y.csv", [row("campaigns", 9)])
    write_csv(landing / "campaigns" / "_tmp" / "z.csv", [row("campaigns", 9)])
    expected = [
        "campaigns/2025-02/x.csv",
        "campaigns/2025-03/b.csv",
        "campaigns/2025-03/deep/c.csv",
        "campaigns/a.csv",
    ]

    pending = pending_files(landing, warehouse)
    report = load_landing(landing, warehouse)

    assert [p.relative_to(landing).as_posix() for p in pending["campaigns"]] == expected
    assert [f.file for f in report.files] == expected
    assert query(warehouse, "SELECT source_file FROM raw._load_manifest ORDER BY loaded_at") == [
        (rel,) for rel in expected
    ]
    assert query(warehouse, "SELECT _source_file, campaign_id FROM raw.campaigns ORDER BY 1") == [
        (rel, rel.removeprefix("campaigns/")) for rel in expected
    ]
    assert report.rows_in == report.rows_loaded == 4
    assert pending_files(landing, warehouse) == {}


# 3. unknown folders and files in the landing root -----------------------------------------


def test_unknown_folders_root_files_and_other_formats_are_reported(
    landing: Path, warehouse: Path
) -> None:
    write_csv(landing / "lead" / "x.csv", [row("leads", 1)])
    write_csv(landing / "x.csv", [row("leads", 2)])
    write_csv(landing / "leads" / "a.csv", [row("leads", 3)])
    write_lines(landing / "leads" / "2025-03" / "export.xlsx", ["not csv"])
    write_lines(landing / "leads" / "b.json", ["{}"])
    write_lines(landing / "leads" / ".b.csv.swp", ["editor"])
    write_lines(landing / "_generator_manifest.json", ["{}"])
    write_lines(landing / ".hidden" / "notes.txt", ["not a delivery"])
    write_lines(landing / "y.csv.part", ["being written"])

    expected = ["lead/", "leads/2025-03/export.xlsx", "leads/b.json", "x.csv"]
    assert not_loadable(landing) == expected
    report = load_landing(landing, warehouse)

    assert report.not_loadable == expected
    assert [(f.file, f.rows_loaded) for f in report.files] == [("leads/a.csv", 1)]
    (warning,) = [line for line in report.summary().splitlines() if "WARNING" in line]
    assert ", ".join(expected) in warning and ".csv.gz" in warning
    assert f"known tables: {', '.join(sorted(TABLES))}" in warning
    assert not_loadable(landing / "missing") == []


# 4. extra columns ------------------------------------------------------------------------


def test_ignored_columns_are_recorded_in_the_manifest_and_summary(
    landing: Path, warehouse: Path
) -> None:
    write_csv(
        landing / "leads" / "a.csv",
        [row("leads", 1) | {"favourite_colour": "teal", "shoe_size": "44"}],
    )
    write_csv(landing / "leads" / "b.csv", [row("leads", 2)])

    report = load_landing(landing, warehouse)

    assert query(
        warehouse, "SELECT source_file, ignored_columns FROM raw._load_manifest ORDER BY 1"
    ) == [("leads/a.csv", "favourite_colour,shoe_size"), ("leads/b.csv", None)]
    (table,) = [t for t in report.tables if t.table == "leads"]
    assert table.summary().endswith(
        "2 rows loaded, 0 rejected; ignored column(s) favourite_colour, shoe_size in leads/a.csv"
    )
    assert table.summary() in report.summary()
    assert report.rows_in == report.rows_loaded == 2


def test_an_old_manifest_gains_the_ignored_columns_column(landing: Path, warehouse: Path) -> None:
    warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse)) as con:  # the manifest as earlier loaders created it
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw._load_manifest (source_file VARCHAR PRIMARY KEY, "
            "table_name VARCHAR, checksum VARCHAR, file_format VARCHAR, file_size BIGINT, "
            "rows_in BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, loaded_at TIMESTAMP, "
            "load_seconds DOUBLE)"
        )
        con.execute(
            "INSERT INTO raw._load_manifest VALUES "
            "('accounts/old.csv', 'accounts', 'x', 'csv', 1, 0, 0, 0, now(), 0)"
        )
    write_csv(landing / "leads" / "a.csv", [row("leads", 1) | {"extra": "1"}])

    load_landing(landing, warehouse)

    assert query(
        warehouse, "SELECT source_file, ignored_columns FROM raw._load_manifest ORDER BY 1"
    ) == [("accounts/old.csv", None), ("leads/a.csv", "extra")]


# 5. null tokens --------------------------------------------------------------------------

NULLED = [
    "account_id",
    "email",
    "job_title",
    "industry",
    "company_name",
    "merged_into_lead_id",
    "employee_count",
    "annual_revenue",
    "updated_at",
    "is_deleted",
]
NULL_VALUES = {
    "account_id": "NULL",
    "email": "null",
    "job_title": "NA",
    "industry": "N/A",
    "company_name": " Null ",
    "merged_into_lead_id": "n/a",
    "employee_count": "NULL",  # required and nullable
    "annual_revenue": "NA",  # optional
    "updated_at": "N/A",
    "is_deleted": "",
}
KEPT_VALUES = {"lead_source": "NULLABLE", "country": "NA", "industry": "N/A/B"}


def test_null_tokens_in_csv_load_as_null(landing: Path, warehouse: Path) -> None:
    write_csv(landing / "leads" / "a.csv", [row("leads", 1, **NULL_VALUES), row("leads", 2)])
    write_csv(landing / "leads" / "b.csv", [row("leads", 3, **KEPT_VALUES)])

    report = load_landing(landing, warehouse)

    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    assert query(
        warehouse, f"SELECT {', '.join(NULLED)} FROM raw.leads WHERE lead_id = 'lead_id-1'"
    ) == [(None,) * len(NULLED)]
    assert query(
        warehouse,
        "SELECT lead_source, country, industry FROM raw.leads WHERE lead_id = 'lead_id-3'",
    ) == [tuple(KEPT_VALUES.values())]


def test_null_tokens_in_parquet_text_columns_load_as_null(landing: Path, warehouse: Path) -> None:
    rows = [row("leads", 1, **NULL_VALUES), row("leads", 2, **KEPT_VALUES)]
    table = pa.Table.from_pylist(rows).set_column(
        LEADS.index("employee_count"), "employee_count", pa.array([None, 7], pa.int64())
    )
    path = landing / "leads" / "a.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)

    report = load_landing(landing, warehouse)

    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (2, 2, 0)
    assert query(
        warehouse, f"SELECT {', '.join(NULLED)} FROM raw.leads WHERE lead_id = 'lead_id-1'"
    ) == [(None,) * len(NULLED)]
    assert query(
        warehouse,
        "SELECT lead_source, country, industry FROM raw.leads WHERE lead_id = 'lead_id-2'",
    ) == [tuple(KEPT_VALUES.values())]


# 6. out-of-domain values -----------------------------------------------------------------


def test_parquet_booleans_outside_true_false_0_1_are_rejected(
    landing: Path, warehouse: Path
) -> None:
    rows = [row("leads", n) for n in range(5)]
    table = pa.Table.from_pylist(rows).set_column(
        LEADS.index("is_deleted"), "is_deleted", pa.array([0, 1, 2, -1, None], pa.int64())
    )
    path = landing / "leads" / "a.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)

    report = load_landing(landing, warehouse)

    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (5, 3, 2)
    assert accounted(warehouse, "leads", "leads/a.parquet") == (3, 2)
    assert query(warehouse, "SELECT _source_line, is_deleted FROM raw.leads ORDER BY 1") == [
        (1, False),
        (2, True),
        (5, None),
    ]
    assert query(warehouse, "SELECT source_line, reason FROM raw._load_rejects ORDER BY 1") == [
        (3, "is_deleted: cannot parse '2' as BOOLEAN"),
        (4, "is_deleted: cannot parse '-1' as BOOLEAN"),
    ]


def test_non_finite_doubles_in_csv_are_rejected(landing: Path, warehouse: Path) -> None:
    values = ["12.5", "1e309", "-1e309", "NaN", "inf", "-Infinity"]
    rows = [row("campaign_spend", n, amount=v) for n, v in enumerate(values)]
    write_csv(landing / "campaign_spend" / "s.csv", rows)

    report = load_landing(landing, warehouse)

    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (6, 1, 5)
    assert query(warehouse, "SELECT amount FROM raw.campaign_spend") == [(12.5,)]
    assert query(warehouse, "SELECT source_line, reason FROM raw._load_rejects ORDER BY 1") == [
        (n + 2, f"amount: not a finite number: '{v}'") for n, v in enumerate(values) if n
    ]


def test_non_finite_doubles_in_parquet_are_rejected(landing: Path, warehouse: Path) -> None:
    table = pa.table(
        {
            "campaign_id": pa.array(["C1", "C2", "C3", "C4", "C5"]),
            "spend_date": pa.array(["2024-01-01"] * 5),
            "amount": pa.array([1.5, float("nan"), float("inf"), float("-inf"), None]),
        }
    )
    path = landing / "campaign_spend" / "s.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)

    report = load_landing(landing, warehouse)

    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert query(warehouse, "SELECT campaign_id, amount FROM raw.campaign_spend ORDER BY 1") == [
        ("C1", 1.5),
        ("C5", None),
    ]
    assert query(warehouse, "SELECT source_line, reason FROM raw._load_rejects ORDER BY 1") == [
        (2, "amount: not a finite number: 'nan'"),
        (3, "amount: not a finite number: 'inf'"),
        (4, "amount: not a finite number: '-inf'"),
    ]


# 7. completeness -------------------------------------------------------------------------

TEMPORARY_NAMES = [
    ".x.csv",
    "_x.csv",
    "x.csv.tmp",
    "x.csv.part",
    "x.csv.partial",
    "x.csv.crdownload",
    "x.csv.filepart",
    "x.parquet.tmp",
]


def test_files_under_temporary_names_are_never_loaded(landing: Path, warehouse: Path) -> None:
    for name in TEMPORARY_NAMES:
        write_csv(landing / "leads" / name, [row("leads", 1)])

    assert pending_files(landing, warehouse) == {}
    assert load_landing(landing, warehouse).files == []

    (landing / "leads" / "x.csv.part").rename(landing / "leads" / "x.csv")  # the writer's rename
    report = load_landing(landing, warehouse)

    assert [(f.file, f.rows_in, f.rows_loaded) for f in report.files] == [("leads/x.csv", 1, 1)]
    assert query(warehouse, "SELECT source_file FROM raw._load_manifest") == [("leads/x.csv",)]


def test_a_file_modified_within_the_settle_window_is_pending(
    landing: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTLE_SECONDS_ENV, "0.2")
    path = write_csv(landing / "leads" / "a.csv", [row("leads", 1), row("leads", 2)])
    set_mtime(path, 3600)  # still changing for as long as the load looks

    assert pending_files(landing, warehouse) == {}
    report = load_landing(landing, warehouse)

    (result,) = report.files
    assert (result.file, result.pending, result.rows_in, result.rows_loaded) == (
        "leads/a.csv",
        True,
        0,
        0,
    )
    assert "1 pending (still being written: leads/a.csv)" in report.summary()
    assert query(warehouse, "SELECT count(*) FROM raw._load_manifest") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM raw.leads") == [(0,)]

    set_mtime(path, -10)
    assert pending_files(landing, warehouse) == {"leads": [path]}
    report = load_landing(landing, warehouse)

    assert [(f.pending, f.rows_in, f.rows_loaded) for f in report.files] == [(False, 2, 2)]


def test_a_file_still_growing_is_left_whole_for_the_next_load(
    landing: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTLE_SECONDS_ENV, "5")
    lines = [csv_line(LEADS)] + [csv_line(list(row("leads", n).values())) for n in (1, 2, 3)]
    path = landing / "leads" / "a.csv"
    path.parent.mkdir(parents=True)
    text = "\n".join(lines) + "\n"
    path.write_text(text[:-40])  # the writer is half way through the last line
    waits: list[float] = []

    def writer_goes_on(seconds: float) -> None:
        waits.append(seconds)
        path.write_text(text)
        set_mtime(path, 0)

    monkeypatch.setattr(loader, "_wait", writer_goes_on)
    report = load_landing(landing, warehouse)

    assert 0 < waits[0] <= 5
    assert [(f.file, f.pending) for f in report.files] == [("leads/a.csv", True)]
    assert query(warehouse, "SELECT count(*) FROM raw._load_manifest") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM raw._load_rejects") == [(0,)]

    monkeypatch.setenv(SETTLE_SECONDS_ENV, "0")
    report = load_landing(landing, warehouse)

    assert [(f.rows_in, f.rows_loaded, f.rows_rejected) for f in report.files] == [(3, 3, 0)]
    assert load_landing(landing, warehouse).files[0].skipped  # no "changed after it was loaded"


def test_a_file_that_changes_during_its_load_is_rolled_back_and_pending(
    landing: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(landing / "leads" / "a.csv", [row("leads", 1)])
    count_rows = loader._rows_in

    def writer_appends(*args: object) -> int:
        with path.open("a") as fh:
            fh.write(csv_line(list(row("leads", 2).values())) + "\n")
        return count_rows(*args)

    monkeypatch.setattr(loader, "_rows_in", writer_appends)
    report = load_landing(landing, warehouse)

    assert [(f.file, f.pending, f.rows_loaded) for f in report.files] == [("leads/a.csv", True, 0)]
    for table in ("raw.leads", "raw._load_rejects", "raw._load_manifest"):
        assert query(warehouse, f"SELECT count(*) FROM {table}") == [(0,)]

    monkeypatch.setattr(loader, "_rows_in", count_rows)
    report = load_landing(landing, warehouse)

    assert [(f.rows_in, f.rows_loaded) for f in report.files] == [(2, 2)]


def test_a_truncated_parquet_file_fails_naming_the_file(landing: Path, warehouse: Path) -> None:
    path = landing / "leads" / "a.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([row("leads", 1)]), path)
    path.write_bytes(path.read_bytes()[:-100])

    with pytest.raises(LoadError, match="leads/a.parquet: cannot read the file as Parquet"):
        load_landing(landing, warehouse)

    assert query(warehouse, "SELECT count(*) FROM raw._load_manifest") == [(0,)]


def test_a_young_file_that_stays_put_is_loaded_after_a_short_wait(
    landing: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTLE_SECONDS_ENV, "0.3")
    write_csv(landing / "leads" / "a.csv", [row("leads", 1)])
    old = write_csv(landing / "accounts" / "a.csv", [row("accounts", 1)])
    set_mtime(old, -60)

    started = time.monotonic()
    report = load_landing(landing, warehouse)

    assert time.monotonic() - started < 5
    assert [(f.file, f.pending, f.rows_loaded) for f in report.files] == [
        ("accounts/a.csv", False, 1),
        ("leads/a.csv", False, 1),
    ]


def test_the_settle_window_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SETTLE_SECONDS_ENV)
    assert landing_settle_seconds() == 2.0
    monkeypatch.setenv(SETTLE_SECONDS_ENV, "0.5")
    assert landing_settle_seconds() == 0.5
    monkeypatch.setenv(SETTLE_SECONDS_ENV, "soon")
    with pytest.raises(ValueError, match=SETTLE_SECONDS_ENV):
        landing_settle_seconds()


# 8. embedded newlines --------------------------------------------------------------------


def test_quoted_field_with_embedded_newlines_loads(landing: Path, warehouse: Path) -> None:
    header = ["lead_id", "status", "changed_at", "reason"]
    ts = "2024-01-02 03:04:05"
    lines = [
        ",".join(header),  # line 1
        record(["L1", "Open", ts, "first line\nsecond line"]),  # lines 2-3
        record(["L2", "Open", "x", "bad timestamp"]),  # line 4
        record(["L3", "Working", ts, 'with ""quotes""\n\nand a blank line']),  # lines 5-7
        'L4,Open,2024-01-02 03:04:05,"unterminated',  # line 8
        record(["L5", "Open", ts, "plain"]),  # line 9
        record(["L6", "Open", "y", "spans\nlines"]),  # lines 10-11
        record(["L7", "Open", ts, "last"]),  # line 12
    ]
    write_lines(landing / "lead_status_history" / "h.csv", lines)

    report = load_landing(landing, warehouse)

    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (7, 4, 3)
    assert accounted(warehouse, "lead_status_history", "lead_status_history/h.csv") == (4, 3)
    assert query(
        warehouse, "SELECT _source_line, lead_id, reason FROM raw.lead_status_history ORDER BY 1"
    ) == [
        (2, "L1", "first line\nsecond line"),
        (5, "L3", 'with ""quotes""\n\nand a blank line'),
        (9, "L5", "plain"),
        (12, "L7", "last"),
    ]
    rejects = query(
        warehouse, "SELECT source_line, reason, raw_record FROM raw._load_rejects ORDER BY 1"
    )
    assert rejects == [
        (4, "changed_at: cannot parse 'x' as TIMESTAMP", lines[2]),
        (8, "malformed CSV line: unterminated or misplaced quote", lines[4]),
        (10, "changed_at: cannot parse 'y' as TIMESTAMP", lines[6]),
    ]


def test_embedded_newlines_agree_with_pythons_csv_module(landing: Path, warehouse: Path) -> None:
    rnd = random.Random(14)
    alphabet = ["a", "b", ",", '"', " ", "\n", "é", ";"]
    pairs = [
        ["".join(rnd.choices(alphabet, k=rnd.randint(0, 6))) for _ in range(2)] for _ in range(1500)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["opportunity_id", "stage_name", "changed_at"])
    writer.writerows([*pair, "2024-01-02 03:04:05"] for pair in pairs)
    path = landing / "opportunity_stage_history" / "h.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(buffer.getvalue().encode())
    physical = 2  # a record's line is the physical line it starts on; the header is line 1
    expected_lines = []
    for a, b in pairs:
        expected_lines.append(physical)
        physical += 1 + a.count("\n") + b.count("\n")

    report = load_landing(landing, warehouse)

    assert (report.rows_in, report.rows_rejected) == (len(pairs), 0)
    loaded = query(
        warehouse,
        "SELECT _source_line, opportunity_id, stage_name FROM raw.opportunity_stage_history "
        "ORDER BY _source_line",
    )
    assert loaded == [
        (line, a or None, b or None) for line, (a, b) in zip(expected_lines, pairs, strict=True)
    ]


# 9. CR-only line endings -----------------------------------------------------------------


def test_cr_only_line_endings_load_with_line_numbers(landing: Path, warehouse: Path) -> None:
    content = b"campaign_id,spend_date,amount\rC1,2024-01-01,1\r\rC2,2024-01-02,x\rC3,2024-01-03,3"
    path = landing / "campaign_spend" / "s.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)

    report = load_landing(landing, warehouse)

    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    assert query(
        warehouse, "SELECT _source_line, campaign_id, amount FROM raw.campaign_spend ORDER BY 1"
    ) == [(2, "C1", 1.0), (5, "C3", 3.0)]
    assert query(warehouse, "SELECT source_line, reason, raw_record FROM raw._load_rejects") == [
        (4, "amount: cannot parse 'x' as DOUBLE", "C2,2024-01-02,x")
    ]


def test_a_landing_zone_with_only_compressed_or_nested_files_has_files(landing: Path) -> None:
    """`funnel run` writes demo data only into an empty landing zone: a delivery the loader takes
    (compressed, in a dated subfolder) must count, and a note or a misspelt folder must not."""
    write_lines(landing / "leads" / "README.md", ["# notes"])
    write_csv(landing / "lead" / "x.csv", [row("leads", 1)])
    assert not loader.landing_has_files(landing)
    nested = landing / "activities" / "2025-03" / "x.csv.gz"
    nested.parent.mkdir(parents=True)
    nested.write_bytes(gzip.compress(b"activity_id\n"))
    assert loader.landing_has_files(landing)
    assert not loader.landing_has_files(landing / "missing")
