"""Loader tests on small hand-made landing files: every rule of the landing contract that the
loader enforces is pinned here, with the exact line numbers and reasons of rejected rows."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.ingestion import loader
from orchestration.ingestion.contract import TABLES
from orchestration.ingestion.loader import (
    LandingFileChangedError,
    LoadError,
    MissingColumnError,
    connect,
    load_landing,
    load_table,
    pending_files,
)

VALID_TEXT = {
    "BIGINT": "42",
    "DOUBLE": "1.5",
    "TIMESTAMP": "2024-01-02 03:04:05",
    "DATE": "2024-01-02",
    "BOOLEAN": "true",
}
LEADS = TABLES["leads"].column_names


@pytest.fixture(autouse=True)
def no_settle_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file here is written a moment before its load; the settle window (the
    completeness rule) has its own tests in test_loader_deliveries.py."""
    monkeypatch.setenv(loader.SETTLE_SECONDS_ENV, "0")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "funnel.duckdb"


def row(table: str, n: int, **overrides: str) -> dict[str, str]:
    values = {
        c.name: f"{c.name}-{n}" if c.type == "VARCHAR" else VALID_TEXT[c.type]
        for c in TABLES[table].columns
    }
    return values | overrides


def csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def write_lines(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode())
    return path


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    header = list(rows[0])
    return write_lines(path, [csv_line(header)] + [csv_line([r[h] for h in header]) for r in rows])


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_clean_load_of_every_table(landing: Path, warehouse: Path) -> None:
    for name in TABLES:
        write_csv(landing / name / "part-1.csv", [row(name, 1), row(name, 2)])
    report = load_landing(landing, warehouse)

    assert [(f.file, f.rows_in, f.rows_loaded, f.rows_rejected) for f in report.files] == [
        (f"{name}/part-1.csv", 2, 2, 0) for name in sorted(TABLES)
    ]
    assert report.rows_loaded == 2 * len(TABLES)
    for name, table in TABLES.items():
        columns = query(
            warehouse,
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_schema = 'raw' AND table_name = '{name}' ORDER BY ordinal_position",
        )
        assert columns == [(c.name, c.type) for c in table.columns] + [
            ("_source_file", "VARCHAR"),
            ("_source_line", "BIGINT"),
            ("_loaded_at", "TIMESTAMP"),
            ("_date_only_columns", "VARCHAR"),
        ]
        first = table.columns[0].name
        assert query(
            warehouse, f"SELECT {first}, _source_file, _source_line FROM raw.{name} ORDER BY 3"
        ) == [(f"{first}-1", f"{name}/part-1.csv", 2), (f"{first}-2", f"{name}/part-1.csv", 3)]
    typed = query(warehouse, "SELECT employee_count, created_at, is_deleted FROM raw.leads")
    assert typed[0] == (42, datetime(2024, 1, 2, 3, 4, 5), True)
    assert query(warehouse, "SELECT count(*) FROM raw._load_rejects") == [(0,)]


def test_raw_tables_exist_before_any_file_arrives(landing: Path, warehouse: Path) -> None:
    report = load_landing(landing, warehouse)

    assert report.files == []
    tables = query(
        warehouse,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'",
    )
    assert {t for (t,) in tables} == set(TABLES) | {"_load_rejects", "_load_manifest"}


def test_header_only_file_is_recorded_with_zero_rows(landing: Path, warehouse: Path) -> None:
    write_lines(landing / "campaigns" / "empty.csv", [csv_line(TABLES["campaigns"].column_names)])

    report = load_landing(landing, warehouse)

    assert [(f.rows_in, f.rows_loaded, f.skipped) for f in report.files] == [(0, 0, False)]
    assert query(warehouse, "SELECT source_file, rows_in FROM raw._load_manifest") == [
        ("campaigns/empty.csv", 0)
    ]


def test_bad_rows_go_to_rejects_with_line_and_reason(landing: Path, warehouse: Path) -> None:
    header = csv_line(LEADS)
    good = row("leads", 1)
    lines = [
        header,
        csv_line(list(good.values())),  # line 2
        csv_line(list(row("leads", 3, employee_count="abc").values())),
        "",  # line 4: empty lines are not rows
        csv_line(list(row("leads", 5, annual_revenue="1,5").values())),
        csv_line(list(row("leads", 6, created_at="yesterday").values())),
        csv_line(list(row("leads", 7, is_deleted="maybe").values())),
        csv_line([*row("leads", 8).values(), "surplus"]),
        csv_line(list(row("leads", 9).values())[:-2]),
        'L10,"unterminated,quote',
        csv_line(list(row("leads", 11, employee_count="1.5", updated_at="x").values())),
        csv_line(list(row("leads", 12, company_name="Acme, Inc.").values())),
    ]
    write_lines(landing / "leads" / "crm.csv", lines)

    report = load_landing(landing, warehouse)

    (result,) = report.files
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (10, 2, 8)
    assert result.rows_in == result.rows_loaded + result.rows_rejected
    rejects = query(
        warehouse,
        "SELECT source_line, reason, raw_record, table_name, source_file "
        "FROM raw._load_rejects ORDER BY source_line",
    )
    assert [(r[0], r[1]) for r in rejects] == [
        (3, "employee_count: cannot parse 'abc' as BIGINT"),
        (5, "annual_revenue: cannot parse '1,5' as DOUBLE"),
        (6, "created_at: cannot parse 'yesterday' as TIMESTAMP"),
        (7, "is_deleted: cannot parse 'maybe' as BOOLEAN"),
        (8, "malformed CSV line: expected 14 fields, found 15"),
        (9, "malformed CSV line: expected 14 fields, found 12"),
        (10, "malformed CSV line: unterminated or misplaced quote"),
        (
            11,
            "employee_count: cannot parse '1.5' as BIGINT; "
            "updated_at: cannot parse 'x' as TIMESTAMP",
        ),
    ]
    assert [r[2] for r in rejects] == [lines[n - 1] for n, *_ in rejects]
    assert {(r[3], r[4]) for r in rejects} == {("leads", "leads/crm.csv")}
    assert query(warehouse, "SELECT _source_line, company_name FROM raw.leads ORDER BY 1") == [
        (2, "company_name-1"),
        (12, "Acme, Inc."),
    ]
    manifest = query(
        warehouse, "SELECT rows_in, rows_loaded, rows_rejected, file_format FROM raw._load_manifest"
    )
    assert manifest == [(10, 2, 8, "csv")]


def test_unparseable_double_is_rejected(landing: Path, warehouse: Path) -> None:
    bad = row("leads", 2, annual_revenue="lots")
    write_csv(landing / "leads" / "a.csv", [row("leads", 1, annual_revenue="-1.25e3"), bad])

    load_landing(landing, warehouse)

    assert query(warehouse, "SELECT annual_revenue FROM raw.leads") == [(-1250.0,)]
    assert query(warehouse, "SELECT source_line, reason FROM raw._load_rejects") == [
        (3, "annual_revenue: cannot parse 'lots' as DOUBLE")
    ]


def test_quoting_and_empty_values(landing: Path, warehouse: Path) -> None:
    header = ["opportunity_id", "stage_name", "changed_at"]
    lines = [
        ",".join(header),
        '"O1","Won, finally",2024-01-02 03:04:05',
        'O2,"say ""hi""",2024-01-02 03:04:05',
        'O3,"",2024-01-02 03:04:05',
        "O4,,2024-01-02 03:04:05",
        'O5,"a","b",2024-01-02 03:04:05',
        'O6,"quoted"tail,2024-01-02 03:04:05',
        'O7,in"side,2024-01-02 03:04:05',
        '"O8","""a"", ""b"", c","2024-01-02 03:04:05"',
    ]
    write_lines(landing / "opportunity_stage_history" / "h.csv", lines)

    load_landing(landing, warehouse)

    assert query(
        warehouse, "SELECT opportunity_id, stage_name FROM raw.opportunity_stage_history ORDER BY 1"
    ) == [
        ("O1", "Won, finally"),
        ("O2", 'say "hi"'),
        ("O3", None),
        ("O4", None),
        ("O8", '"a", "b", c'),
    ]
    assert query(warehouse, "SELECT source_line, reason FROM raw._load_rejects ORDER BY 1") == [
        (6, "malformed CSV line: expected 3 fields, found 4"),
        (7, "malformed CSV line: unterminated or misplaced quote"),
        (8, "malformed CSV line: unterminated or misplaced quote"),
    ]


@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL], ids=["minimal", "all"])
def test_fields_agree_with_pythons_csv_module(landing: Path, warehouse: Path, quoting: int) -> None:
    rnd = random.Random(20240102)
    alphabet = ["a", "b", ",", '"', " ", "é", "'", "\t", "\x1f", ";"]
    pairs = [
        ["".join(rnd.choices(alphabet, k=rnd.randint(0, 8))) for _ in range(2)] for _ in range(2000)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=quoting)
    writer.writerow(["opportunity_id", "stage_name", "changed_at"])
    writer.writerows([*pair, "2024-01-02 03:04:05"] for pair in pairs)
    path = landing / "opportunity_stage_history" / "h.csv"
    path.parent.mkdir(parents=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")

    report = load_landing(landing, warehouse)

    assert report.rows_rejected == 0
    assert query(
        warehouse,
        "SELECT opportunity_id, stage_name FROM raw.opportunity_stage_history "
        "ORDER BY _source_line",
    ) == [(a or None, b or None) for a, b in pairs]


def test_timestamp_and_boolean_forms(landing: Path, warehouse: Path) -> None:
    accepted = [
        "2024-01-02 03:04:05",
        "2024-01-02T03:04:05",
        "2024-01-02T03:04:05.250Z",
        "2024-01-02 03:04:05+00:00",
        "2024-01-02T03:04:05.250000+00:00",
        "2024-01-02 05:04:05+02:00",  # more forms in test_loader_timestamps.py
    ]
    rejected = ["2024-01-02 03:04:05+15:00", "2024-02-30 00:00:00", "02/01/2024 03:04:05"]
    booleans = {
        "TRUE": True,
        "f": False,
        "T": True,
        "0": False,
        "1": True,
        "Yes": True,
        "no": False,
    }
    rows = [row("leads", i, updated_at=ts) for i, ts in enumerate(accepted + rejected)]
    rows += [row("leads", 100 + i, is_deleted=b) for i, b in enumerate(booleans)]
    write_csv(landing / "leads" / "a.csv", rows)

    load_landing(landing, warehouse)

    loaded = query(warehouse, "SELECT updated_at, is_deleted FROM raw.leads ORDER BY _source_line")
    assert [ts for ts, _ in loaded[: len(accepted)]] == [
        datetime(2024, 1, 2, 3, 4, 5),
        datetime(2024, 1, 2, 3, 4, 5),
        datetime(2024, 1, 2, 3, 4, 5, 250000),
        datetime(2024, 1, 2, 3, 4, 5),
        datetime(2024, 1, 2, 3, 4, 5, 250000),
        datetime(2024, 1, 2, 3, 4, 5),
    ]
    assert [b for _, b in loaded[len(accepted) :]] == list(booleans.values())
    reasons = query(warehouse, "SELECT reason FROM raw._load_rejects ORDER BY source_line")
    assert reasons == [(f"updated_at: cannot parse '{ts}' as TIMESTAMP",) for ts in rejected]


def test_second_load_skips_everything(landing: Path, warehouse: Path) -> None:
    write_csv(landing / "leads" / "a.csv", [row("leads", 1), row("leads", 2, is_deleted="x")])
    write_csv(landing / "accounts" / "a.csv", [row("accounts", 1)])
    load_landing(landing, warehouse)
    manifest = query(warehouse, "SELECT * FROM raw._load_manifest ORDER BY source_file")

    again = load_landing(landing, warehouse)

    assert [(f.file, f.skipped, f.rows_loaded) for f in again.files] == [
        ("accounts/a.csv", True, 0),
        ("leads/a.csv", True, 0),
    ]
    assert again.rows_loaded == again.rows_rejected == 0
    assert query(warehouse, "SELECT * FROM raw._load_manifest ORDER BY source_file") == manifest
    assert query(warehouse, "SELECT count(*) FROM raw.leads") == [(1,)]
    assert query(warehouse, "SELECT count(*) FROM raw.accounts") == [(1,)]
    assert query(warehouse, "SELECT count(*) FROM raw._load_rejects") == [(1,)]
    assert "2 skipped" in again.summary()


def test_changed_file_raises_and_loads_nothing(landing: Path, warehouse: Path) -> None:
    leads = write_csv(landing / "leads" / "a.csv", [row("leads", 1)])
    load_landing(landing, warehouse)
    manifest = query(warehouse, "SELECT * FROM raw._load_manifest")
    write_csv(leads, [row("leads", 1), row("leads", 2)])
    write_csv(landing / "activities" / "new.csv", [row("activities", 1)])

    with pytest.raises(LandingFileChangedError, match="leads/a.csv"):
        load_landing(landing, warehouse)

    assert query(warehouse, "SELECT * FROM raw._load_manifest") == manifest
    assert query(warehouse, "SELECT count(*) FROM raw.leads") == [(1,)]
    assert query(warehouse, "SELECT count(*) FROM raw.activities") == [(0,)]


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_missing_required_column_raises(landing: Path, warehouse: Path, file_format: str) -> None:
    values = {k: v for k, v in row("leads", 1).items() if k not in ("email", "country")}
    path = landing / "leads" / f"no-email.{file_format}"
    if file_format == "csv":
        write_csv(path, [values])
    else:
        path.parent.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist([values]), path)

    with pytest.raises(MissingColumnError, match=rf"leads/no-email.{file_format}.*email, country"):
        load_landing(landing, warehouse)

    assert query(warehouse, "SELECT count(*) FROM raw._load_manifest") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM raw.leads") == [(0,)]


def test_missing_optional_column_loads_null_and_extra_column_is_ignored(
    landing: Path, warehouse: Path
) -> None:
    optional = [c.name for c in TABLES["leads"].columns if not c.required]
    values = {k: v for k, v in row("leads", 1).items() if k not in optional}
    write_csv(landing / "leads" / "a.csv", [values | {"favourite_colour": "teal"}])

    report = load_landing(landing, warehouse)

    (result,) = report.files
    assert result.extra_columns == ("favourite_colour",)
    assert result.missing_optional_columns == tuple(optional)
    assert query(
        warehouse, "SELECT lead_id, account_id, annual_revenue, merged_into_lead_id FROM raw.leads"
    ) == [("lead_id-1", None, None, None)]


def test_header_match_is_case_insensitive_and_trims(landing: Path, warehouse: Path) -> None:
    values = row("accounts", 1)
    header = [f"  {name.upper()} " for name in reversed(values)]
    path = landing / "accounts" / "a.csv"
    path.parent.mkdir(parents=True)
    text = csv_line(header) + "\n" + csv_line(list(reversed(values.values()))) + "\n"
    path.write_text(text, encoding="utf-8-sig")  # a byte-order mark must not hide a column

    load_landing(landing, warehouse)

    assert query(warehouse, "SELECT account_id, name, employee_count FROM raw.accounts") == [
        ("account_id-1", "name-1", 42)
    ]


def test_parquet_with_string_columns_rejects_bad_values(landing: Path, warehouse: Path) -> None:
    rows = [
        row("leads", 1, created_at="2024-01-02T03:04:05Z"),
        row("leads", 2, employee_count="abc"),
        row("leads", 3, created_at="soon", is_deleted="nope"),
        row("leads", 4, email=""),
    ]
    path = landing / "leads" / "a.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows), path)

    report = load_landing(landing, warehouse)

    (result,) = report.files
    assert (result.file_format, result.rows_in, result.rows_loaded, result.rows_rejected) == (
        "parquet",
        4,
        2,
        2,
    )
    assert query(warehouse, "SELECT _source_line, email, created_at FROM raw.leads ORDER BY 1") == [
        (1, "email-1", datetime(2024, 1, 2, 3, 4, 5)),
        (4, None, datetime(2024, 1, 2, 3, 4, 5)),
    ]
    rejects = query(warehouse, "SELECT source_line, reason, raw_record FROM raw._load_rejects")
    assert sorted((line, reason) for line, reason, _ in rejects) == [
        (2, "employee_count: cannot parse 'abc' as BIGINT"),
        (
            3,
            "created_at: cannot parse 'soon' as TIMESTAMP; "
            "is_deleted: cannot parse 'nope' as BOOLEAN",
        ),
    ]
    assert all("lead_id-" in raw for _, _, raw in rejects)


def test_parquet_with_native_and_convertible_types(landing: Path, warehouse: Path) -> None:
    utc = pa.timestamp("us", tz="UTC")
    table = pa.table(
        {
            "account_id": pa.array(["A1", "A2", "A3"]),
            "name": pa.array(["n1", "n2", "n3"]),
            "domain": pa.array(["d1", "", None]),
            "industry": pa.array(["i1", "i2", "i3"]),
            "employee_count": pa.array([10.0, 1.5, None], pa.float64()),
            "country": pa.array(["US", "DE", "FR"]),
        }
    )
    path = landing / "accounts" / "a.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)
    history = pa.table(
        {
            "opportunity_id": pa.array(["O1"]),
            "stage_name": pa.array(["Won"]),
            "changed_at": pa.array([datetime(2024, 1, 2, 3, 4, 5)], utc),
        }
    )
    history_path = landing / "opportunity_stage_history" / "h.parquet"
    history_path.parent.mkdir(parents=True)
    pq.write_table(history, history_path)

    with connect(warehouse) as con:
        con.execute("SET TimeZone = 'America/New_York'")  # must not shift UTC timestamps
        load_table(con, landing, "accounts")
        load_table(con, landing, "opportunity_stage_history")

    assert query(warehouse, "SELECT account_id, domain, employee_count FROM raw.accounts") == [
        ("A1", "d1", 10),
        ("A3", None, None),
    ]
    assert query(warehouse, "SELECT source_line, reason FROM raw._load_rejects") == [
        (2, "employee_count: cannot parse '1.5' as BIGINT")
    ]
    assert query(warehouse, "SELECT changed_at FROM raw.opportunity_stage_history") == [
        (datetime(2024, 1, 2, 3, 4, 5),)
    ]


def test_pending_files_before_and_after_load(landing: Path, warehouse: Path) -> None:
    first = write_csv(landing / "leads" / "a.csv", [row("leads", 1)])
    write_lines(landing / "leads" / "notes.txt", ["not a landing file"])

    assert pending_files(landing, warehouse) == {"leads": [first]}
    assert not warehouse.exists()

    load_landing(landing, warehouse)
    assert pending_files(landing, warehouse) == {}

    second = write_csv(landing / "campaigns" / "c.csv", [row("campaigns", 1)])
    assert pending_files(landing, warehouse) == {"campaigns": [second]}


def test_pending_files_on_a_warehouse_without_manifest(landing: Path, warehouse: Path) -> None:
    first = write_csv(landing / "leads" / "a.csv", [row("leads", 1)])
    warehouse.parent.mkdir(parents=True)
    duckdb.connect(str(warehouse)).close()

    assert pending_files(landing, warehouse) == {"leads": [first]}


def test_unknown_folders_and_other_files_are_reported_not_loaded(
    landing: Path, warehouse: Path
) -> None:
    write_csv(landing / "prospects" / "p.csv", [{"id": "1"}])
    write_csv(landing / "leads" / ".in-flight.csv", [{"id": "1"}])
    write_lines(landing / "leads" / "README.md", ["# notes"])
    write_csv(landing / "leads" / "a.csv", [row("leads", 1)])

    report = load_landing(landing, warehouse)

    assert report.not_loadable == ["leads/README.md", "prospects/"]
    assert [f.file for f in report.files] == ["leads/a.csv"]
    assert "prospects" in report.summary()


def test_files_load_in_sorted_order_and_globs_are_literal(landing: Path, warehouse: Path) -> None:
    for name in ["b.csv", "a*.csv", "a1.csv", "a[1].csv"]:
        write_csv(landing / "campaigns" / name, [row("campaigns", 1, campaign_id=name)])

    report = load_landing(landing, warehouse, tables=["campaigns"])

    assert [f.file for f in report.files] == [
        "campaigns/a*.csv",
        "campaigns/a1.csv",
        "campaigns/a[1].csv",
        "campaigns/b.csv",
    ]
    assert query(warehouse, "SELECT _source_file, campaign_id FROM raw.campaigns ORDER BY 1") == [
        ("campaigns/a*.csv", "a*.csv"),
        ("campaigns/a1.csv", "a1.csv"),
        ("campaigns/a[1].csv", "a[1].csv"),
        ("campaigns/b.csv", "b.csv"),
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"campaign_id,spend_date,amount\r\nC1,2024-01-01,1\r\n\r\nC2,2024-01-02,x\r\n",
        b"campaign_id,spend_date,amount\nC1,2024-01-01,1\r\n\nC2,2024-01-02,x\n",
        b"campaign_id,spend_date,amount\nC1,2024-01-01,1\n\nC2,2024-01-02,x\x1f\x1e\x1d\x1c",
    ],
    ids=["crlf", "mixed-line-endings", "control-characters-at-line-end"],
)
def test_line_numbers_survive_line_ending_variants(
    landing: Path, warehouse: Path, content: bytes
) -> None:
    path = landing / "campaign_spend" / "s.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)

    load_landing(landing, warehouse)

    assert query(warehouse, "SELECT campaign_id, amount, _source_line FROM raw.campaign_spend") == [
        ("C1", 1.0, 2)
    ]
    (line, reason, raw) = query(
        warehouse, "SELECT source_line, reason, raw_record FROM raw._load_rejects"
    )[0]
    value = content.splitlines()[-1].decode().split(",")[-1]
    assert (line, reason) == (4, f"amount: cannot parse '{value}' as DOUBLE")
    assert raw == f"C2,2024-01-02,{value}"


def test_file_that_is_not_utf8_fails_naming_the_file(landing: Path, warehouse: Path) -> None:
    path = landing / "accounts" / "latin1.csv"
    write_csv(path, [row("accounts", 1, name="Müller")])
    path.write_bytes(path.read_bytes().replace("ü".encode(), "ü".encode("latin-1")))

    with pytest.raises(LoadError, match="accounts/latin1.csv: cannot read the file as UTF-8"):
        load_landing(landing, warehouse)

    assert query(warehouse, "SELECT count(*) FROM raw._load_manifest") == [(0,)]


def test_a_failing_file_leaves_no_trace(
    landing: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_csv(landing / "leads" / "a.csv", [row("leads", 1), row("leads", 2, is_deleted="?")])
    monkeypatch.setattr(loader, "_rows_in", lambda *args: 3)

    with pytest.raises(LoadError, match="leads/a.csv: 3 rows in but 1 loaded and 1 rejected"):
        load_landing(landing, warehouse)

    for table in ("raw.leads", "raw._load_rejects", "raw._load_manifest"):
        assert query(warehouse, f"SELECT count(*) FROM {table}") == [(0,)]


def test_load_table_uses_the_callers_connection(landing: Path, warehouse: Path) -> None:
    write_csv(landing / "accounts" / "a.csv", [row("accounts", 1)])
    write_csv(landing / "leads" / "a.csv", [row("leads", 1)])

    with connect(warehouse) as con:
        report = load_table(con, landing, "accounts")
        with pytest.raises(ValueError, match="unknown table 'prospects'"):
            load_table(con, landing, "prospects")

    assert report.summary() == "accounts: 1 file(s) loaded, 0 skipped, 1 rows loaded, 0 rejected"
    assert pending_files(landing, warehouse) == {"leads": [landing / "leads" / "a.csv"]}


def test_connection_settings_come_from_the_environment(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNNEL_DUCKDB_THREADS", "1")
    monkeypatch.setenv("FUNNEL_DUCKDB_MEMORY_LIMIT", "512MB")

    with connect(warehouse) as con:
        settings = con.execute(
            "SELECT current_setting('threads'), current_setting('memory_limit')"
        ).fetchone()
    with connect(warehouse, threads=2) as con:
        threads = con.execute("SELECT current_setting('threads')").fetchone()

    assert settings == (1, "488.2 MiB")
    assert threads == (2,)
