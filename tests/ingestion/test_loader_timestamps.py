"""Loader tests for the tolerant timestamp rule of the landing contract: every accepted form of a
TIMESTAMP (and DATE) value and the naive UTC value it loads as, worked out by hand here; the
date-only flag (``_date_only_columns``, ``raw._load_manifest.date_only_values``); and the texts
that are still rejected, in CSV and in Parquet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_loader import csv_line, query, row, write_csv, write_lines

from orchestration.ingestion.contract import TABLES
from orchestration.ingestion.loader import SETTLE_SECONDS_ENV, connect, load_landing, load_table


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


T = datetime(2024, 1, 1, 18, 1, 33)  # 2024-01-01 18:01:33 UTC, the instant most forms spell

# (text as delivered, the naive UTC value it must load as)
ACCEPTED: list[tuple[str, datetime]] = [
    # ISO, T or space, with or without seconds and fractions
    ("2024-01-01 18:01:33", T),
    ("2024-01-01T18:01:33", T),
    ("2024-01-01 18:01", datetime(2024, 1, 1, 18, 1)),
    ("2024-01-01T18:01", datetime(2024, 1, 1, 18, 1)),
    ("2024-01-01T18:01:33.5", T.replace(microsecond=500000)),
    ("2024-01-01 18:01:33.123456", T.replace(microsecond=123456)),
    # UTC spelled out
    ("2024-01-01T18:01:33Z", T),
    ("2024-01-01T18:01Z", datetime(2024, 1, 1, 18, 1)),
    ("2024-01-01T18:01:33.250Z", T.replace(microsecond=250000)),
    ("2024-01-01 18:01:33 UTC", T),
    ("2024-01-01 18:01:33 utc", T),
    ("2024-01-01T18:01:33UTC", T),
    ("2024-01-01 18:01:33Utc", T),
    ("2024-01-01T18:01:33+00:00", T),
    ("2024-01-01T18:01:33-00:00", T),
    ("2024-01-01T18:01:33+00", T),
    ("2024-01-01T18:01:33.000+0000", T),  # Salesforce
    # offsets east of UTC: UTC = local - offset
    ("2024-01-01T20:01:33+02:00", T),
    ("2024-01-01T20:01:33+0200", T),
    ("2024-01-01T20:01:33+02", T),
    ("2024-01-01 20:01:33.75+02:00", T.replace(microsecond=750000)),
    ("2024-01-01T20:01+02:00", datetime(2024, 1, 1, 18, 1)),
    ("2024-01-01T23:46:33+05:45", T),  # Nepal: 23:46 - 5:45 = 18:01
    ("2024-01-02T08:01:33+14:00", T),  # Kiribati, the widest offset: the day before
    # offsets west of UTC: UTC = local + offset
    ("2024-01-01T15:01:33-03:00", T),
    ("2024-01-01T15:01:33-0300", T),
    ("2024-01-01T15:01:33-03", T),
    ("2024-01-01T04:01:33-14:00", T),
    # across a day, a year and a leap day
    ("2024-01-01T00:30:00+01:00", datetime(2023, 12, 31, 23, 30)),
    ("2024-02-29T23:30:00-01:00", datetime(2024, 3, 1, 0, 30)),
    ("2024-03-01T00:30:00+01:00", datetime(2024, 2, 29, 23, 30)),
    # epoch milliseconds, 11 to 13 digits: 1704132093 s = 2024-01-01 (1704067200) + 64893 s
    ("1704132093000", T),
    ("1704132093123", T.replace(microsecond=123000)),
    ("10000000000", datetime(1970, 4, 26, 17, 46, 40)),  # 10^7 s = 115 days + 64000 s
    ("9999999999999", datetime(2286, 11, 20, 17, 46, 39, 999000)),
    # surrounding spaces are trimmed, as for every typed value
    ("  2024-01-01T20:01:33+02:00 ", T),
    # a date alone: midnight UTC (and flagged, see below)
    ("2024-01-01", datetime(2024, 1, 1)),
]

REJECTED = [
    "2024-01-01T18:01:33+15:00",  # an offset beyond 14:00
    "2024-01-01T18:01:33+14:30",
    "2024-01-01T18:01:33-14:01",
    "2024-01-01T18:01:33+2",  # an offset needs two hour digits
    "2024-01-01T18:01:33+02:60",
    "2024-01-01 18:01:33 +02:00",  # no space before an offset (only before UTC)
    "2024-01-01T18:01:33 CET",  # no zone names but UTC
    "17041320930000",  # 14 digits
    "1704132093",  # 10 digits: epoch seconds are not taken for milliseconds
    "-1704132093000",
    "2024-13-01",
    "2024-02-30",
    "2023-02-29T10:00:00Z",  # no leap year
    "2024-01-01 24:00:00",
    "2024-01-01T18:60:00",
    "2024-01-01T18:01:60",
    "2024-01-01T18",
    "01/01/2024 18:01:33",
    "2024-01-01T18:01:33ZZ",
]


def activities_csv(path: Path, texts: list[str]) -> Path:
    rows = [row("activities", i, occurred_at=text) for i, text in enumerate(texts)]
    return write_csv(path, rows)


def test_every_accepted_timestamp_form_loads_as_utc_from_csv(
    landing: Path, warehouse: Path
) -> None:
    activities_csv(landing / "activities" / "a.csv", [text for text, _ in ACCEPTED])

    report = load_landing(landing, warehouse)

    assert report.rows_rejected == 0
    loaded = query(warehouse, "SELECT occurred_at FROM raw.activities ORDER BY _source_line")
    assert [(text, value) for (text, _), (value,) in zip(ACCEPTED, loaded, strict=True)] == ACCEPTED


def test_timestamps_do_not_depend_on_the_sessions_time_zone(landing: Path, warehouse: Path) -> None:
    activities_csv(landing / "activities" / "a.csv", [text for text, _ in ACCEPTED])

    with connect(warehouse) as con:
        con.execute("SET TimeZone = 'America/New_York'")
        load_table(con, landing, "activities")

    loaded = query(warehouse, "SELECT occurred_at FROM raw.activities ORDER BY _source_line")
    assert [value for (value,) in loaded] == [value for _, value in ACCEPTED]


def test_unparseable_timestamps_are_rejected_with_the_reason(
    landing: Path, warehouse: Path
) -> None:
    activities_csv(landing / "activities" / "a.csv", ["2024-01-01T20:01:33+02:00", *REJECTED])

    report = load_landing(landing, warehouse)

    (result,) = report.files
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (
        1 + len(REJECTED),
        1,
        len(REJECTED),
    )
    assert query(warehouse, "SELECT source_line, reason FROM raw._load_rejects ORDER BY 1") == [
        (line, f"occurred_at: cannot parse '{text}' as TIMESTAMP")
        for line, text in enumerate(REJECTED, start=3)
    ]


def test_date_only_values_are_flagged_per_row_and_counted_per_file(
    landing: Path, warehouse: Path
) -> None:
    write_csv(
        landing / "leads" / "a.csv",
        [
            row("leads", 1, created_at="2024-01-01 10:00:00", updated_at="2024-01-02T10:00:00Z"),
            row("leads", 2, created_at="2024-01-01", updated_at="2024-01-02 10:00"),
            row("leads", 3, created_at=" 2024-01-01 ", updated_at="2024-01-02"),
            row("leads", 4, created_at="1704132093000", updated_at="2024-01-02"),
            row("leads", 5, created_at="2024-01-01", updated_at=""),
            # rejected: its date-only value is not loaded, so it is not counted
            row("leads", 6, created_at="2024-01-01", employee_count="many"),
        ],
    )
    write_csv(landing / "leads" / "b.csv", [row("leads", 7, created_at="2024-01-01 10:00")])

    report = load_landing(landing, warehouse)

    assert query(
        warehouse,
        "SELECT lead_id, created_at, updated_at, _date_only_columns FROM raw.leads ORDER BY 1",
    ) == [
        ("lead_id-1", datetime(2024, 1, 1, 10), datetime(2024, 1, 2, 10), None),
        ("lead_id-2", datetime(2024, 1, 1), datetime(2024, 1, 2, 10), "created_at"),
        ("lead_id-3", datetime(2024, 1, 1), datetime(2024, 1, 2), "created_at,updated_at"),
        ("lead_id-4", T, datetime(2024, 1, 2), "updated_at"),
        ("lead_id-5", datetime(2024, 1, 1), None, "created_at"),
        ("lead_id-7", datetime(2024, 1, 1, 10), datetime(2024, 1, 2, 3, 4, 5), None),
    ]
    assert query(
        warehouse, "SELECT source_file, date_only_values FROM raw._load_manifest ORDER BY 1"
    ) == [("leads/a.csv", 5), ("leads/b.csv", 0)]
    assert [(f.file, f.date_only_values) for f in report.files] == [
        ("leads/a.csv", 5),
        ("leads/b.csv", 0),
    ]
    summary = report.summary()
    assert "5 date-only timestamp value(s) in leads/a.csv, loaded as midnight UTC" in summary
    assert "in leads/b.csv" not in summary


def test_date_only_columns_are_named_in_contract_order(landing: Path, warehouse: Path) -> None:
    # opportunities: created_at, closed_at, updated_at; the file has them in another order
    values = row(
        "opportunities",
        1,
        updated_at="2024-03-01",
        closed_at="2024-02-01",
        created_at="2024-01-01",
    )
    header = ["updated_at", "closed_at"] + [
        c for c in values if c not in ("updated_at", "closed_at")
    ]
    write_lines(
        landing / "opportunities" / "a.csv",
        [csv_line(header), csv_line([values[c] for c in header])],
    )

    load_landing(landing, warehouse)

    assert query(warehouse, "SELECT _date_only_columns FROM raw.opportunities") == [
        ("created_at,closed_at,updated_at",)
    ]
    assert query(warehouse, "SELECT date_only_values FROM raw._load_manifest") == [(3,)]


def test_a_clean_file_of_full_timestamps_flags_nothing(landing: Path, warehouse: Path) -> None:
    write_csv(landing / "campaigns" / "c.csv", [row("campaigns", 1)])  # DATE columns only

    report = load_landing(landing, warehouse)

    assert query(warehouse, "SELECT _date_only_columns FROM raw.campaigns") == [(None,)]
    assert query(warehouse, "SELECT date_only_values FROM raw._load_manifest") == [(0,)]
    assert "date-only" not in report.summary()


def test_date_columns_take_every_timestamp_form_as_its_utc_date(
    landing: Path, warehouse: Path
) -> None:
    accepted = [
        ("2024-01-01", date(2024, 1, 1)),
        ("2024-01-01T18:01:33", date(2024, 1, 1)),
        ("2024-01-01 18:01", date(2024, 1, 1)),
        ("2024-01-01T18:01:33.000+0000", date(2024, 1, 1)),
        ("2024-01-01 18:01:33 UTC", date(2024, 1, 1)),
        ("2024-01-01T23:30:00-02:00", date(2024, 1, 2)),  # 01:30 UTC the next day
        ("2024-01-01T00:30:00+01:00", date(2023, 12, 31)),  # 23:30 UTC the day before
        ("1704132093000", date(2024, 1, 1)),
    ]
    rejected = ["2024-13-01", "2024-02-30", "2024-01-01T18:01:33+15:00", "20240101"]
    rows = [
        row("campaign_spend", i, spend_date=text)
        for i, text in enumerate([t for t, _ in accepted] + rejected)
    ]
    write_csv(landing / "campaign_spend" / "s.csv", rows)

    load_landing(landing, warehouse)

    loaded = query(warehouse, "SELECT spend_date FROM raw.campaign_spend ORDER BY _source_line")
    assert [value for (value,) in loaded] == [value for _, value in accepted]
    assert query(warehouse, "SELECT _date_only_columns FROM raw.campaign_spend") == [(None,)] * len(
        accepted
    )
    assert query(warehouse, "SELECT reason FROM raw._load_rejects ORDER BY source_line") == [
        (f"spend_date: cannot parse '{text}' as DATE",) for text in rejected
    ]


# Parquet -----------------------------------------------------------------------------------


def activities_parquet(path: Path, occurred_at: pa.Array) -> Path:
    n = len(occurred_at)
    table = pa.table(
        {
            "activity_id": pa.array([f"A{i}" for i in range(n)]),
            "lead_id": pa.array(["L1"] * n),
            "activity_type": pa.array(["page_view"] * n),
            "occurred_at": occurred_at,
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def test_parquet_integer_timestamps_are_epoch_milliseconds(landing: Path, warehouse: Path) -> None:
    activities_parquet(
        landing / "activities" / "ms.parquet",
        pa.array(
            [1704132093000, 1704132093123, 10**10, None, 1704132093, 10**13, -1704132093000],
            pa.int64(),
        ),
    )
    activities_parquet(
        landing / "activities" / "ms32.parquet", pa.array([2_000_000_000], pa.int32())
    )  # 10 digits even as int32: not milliseconds

    report = load_landing(landing, warehouse)

    assert [(f.file, f.rows_in, f.rows_loaded, f.rows_rejected) for f in report.files] == [
        ("activities/ms.parquet", 7, 4, 3),
        ("activities/ms32.parquet", 1, 0, 1),
    ]
    assert query(
        warehouse, "SELECT _source_line, occurred_at, _date_only_columns FROM raw.activities"
    ) == [
        (1, T, None),
        (2, T.replace(microsecond=123000), None),
        (3, datetime(1970, 4, 26, 17, 46, 40), None),
        (4, None, None),
    ]
    assert query(
        warehouse, "SELECT source_file, source_line, reason FROM raw._load_rejects ORDER BY 1, 2"
    ) == [
        ("activities/ms.parquet", 5, "occurred_at: cannot parse '1704132093' as TIMESTAMP"),
        ("activities/ms.parquet", 6, "occurred_at: cannot parse '10000000000000' as TIMESTAMP"),
        ("activities/ms.parquet", 7, "occurred_at: cannot parse '-1704132093000' as TIMESTAMP"),
        ("activities/ms32.parquet", 1, "occurred_at: cannot parse '2000000000' as TIMESTAMP"),
    ]


def test_parquet_timestamptz_dates_and_texts_convert_to_utc(landing: Path, warehouse: Path) -> None:
    berlin = timezone(timedelta(hours=1))  # CET, in January
    activities_parquet(
        landing / "activities" / "tz.parquet",
        pa.array(
            [datetime(2024, 1, 1, 19, 1, 33, tzinfo=berlin), None],
            pa.timestamp("us", tz="Europe/Berlin"),
        ),
    )
    activities_parquet(
        landing / "activities" / "text.parquet",
        pa.array(["2024-01-01T20:01:33+02:00", "2024-01-01", "1704132093000", "2024-13-01"]),
    )
    activities_parquet(
        landing / "activities" / "date.parquet", pa.array([date(2024, 1, 1), None], pa.date32())
    )
    spend = pa.table(
        {
            "campaign_id": pa.array(["C1"]),
            # 01:30 UTC on 2 January: 20:30 on 1 January in New York, the session's zone below
            "spend_date": pa.array(
                [datetime(2024, 1, 2, 1, 30, tzinfo=UTC)], pa.timestamp("us", tz="UTC")
            ),
            "amount": pa.array([1.0]),
        }
    )
    (landing / "campaign_spend").mkdir()
    pq.write_table(spend, landing / "campaign_spend" / "s.parquet")

    with connect(warehouse) as con:
        con.execute("SET TimeZone = 'America/New_York'")  # must not shift UTC values
        activities = load_table(con, landing, "activities")
        load_table(con, landing, "campaign_spend")

    assert query(
        warehouse,
        "SELECT _source_file, _source_line, occurred_at, _date_only_columns FROM raw.activities "
        "ORDER BY 1, 2",
    ) == [
        ("activities/date.parquet", 1, datetime(2024, 1, 1), "occurred_at"),
        ("activities/date.parquet", 2, None, None),
        ("activities/text.parquet", 1, T, None),
        ("activities/text.parquet", 2, datetime(2024, 1, 1), "occurred_at"),
        ("activities/text.parquet", 3, T, None),
        ("activities/tz.parquet", 1, T, None),
        ("activities/tz.parquet", 2, None, None),
    ]
    assert [(f.file, f.date_only_values) for f in activities.files] == [
        ("activities/date.parquet", 1),
        ("activities/text.parquet", 1),
        ("activities/tz.parquet", 0),
    ]
    assert query(warehouse, "SELECT source_file, source_line, reason FROM raw._load_rejects") == [
        ("activities/text.parquet", 4, "occurred_at: cannot parse '2024-13-01' as TIMESTAMP")
    ]
    assert query(warehouse, "SELECT spend_date FROM raw.campaign_spend") == [(date(2024, 1, 2),)]


# An existing warehouse ---------------------------------------------------------------------


def test_an_old_warehouse_gains_the_date_only_columns(landing: Path, warehouse: Path) -> None:
    warehouse.parent.mkdir(parents=True)
    leads = TABLES["leads"]
    with duckdb.connect(str(warehouse)) as con:  # raw.leads and the manifest as loaders made them
        con.execute("CREATE SCHEMA raw")
        columns = ", ".join(f"{c.name} {c.type}" for c in leads.columns)
        con.execute(
            f"CREATE TABLE raw.leads ({columns}, _source_file VARCHAR, _source_line BIGINT, "
            "_loaded_at TIMESTAMP)"
        )
        con.execute(
            f"INSERT INTO raw.leads ({', '.join(leads.column_names)}, _source_file) "
            f"SELECT {', '.join('NULL' for _ in leads.columns)}, 'leads/old.csv'"
        )
        con.execute(
            "CREATE TABLE raw._load_manifest (source_file VARCHAR PRIMARY KEY, "
            "table_name VARCHAR, checksum VARCHAR, file_format VARCHAR, file_size BIGINT, "
            "rows_in BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, loaded_at TIMESTAMP, "
            "load_seconds DOUBLE, ignored_columns VARCHAR)"
        )
        con.execute(
            "INSERT INTO raw._load_manifest VALUES "
            "('leads/old.csv', 'leads', 'x', 'csv', 1, 1, 1, 0, now(), 0, NULL)"
        )
    write_csv(landing / "leads" / "a.csv", [row("leads", 1, created_at="2024-01-01")])

    load_landing(landing, warehouse)

    assert query(
        warehouse, "SELECT _source_file, _date_only_columns FROM raw.leads ORDER BY 1"
    ) == [("leads/a.csv", "created_at"), ("leads/old.csv", None)]
    assert query(
        warehouse, "SELECT source_file, date_only_values FROM raw._load_manifest ORDER BY 1"
    ) == [("leads/a.csv", 1), ("leads/old.csv", None)]
