"""`funnel report`'s unmapped-values section: the largest values the vocabularies did not map
(quality.rpt_unmapped_values) right after the funnel, or one line saying every value mapped, or
that the snapshot has no such report."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from test_report import TABLES as REPORT_TABLES  # the tables print_report reads

from orchestration.serving.report import (
    ALL_MAPPED,
    NO_UNMAPPED_REPORT,
    UNMAPPED_TOP,
    format_unmapped,
    print_report,
    read_unmapped,
    unmapped_value_text,
)

COLUMNS = (
    "source_system varchar, field varchar, value_as_delivered varchar, unmapped_rows bigint, "
    "share_of_field double"
)
# (system, field, value, rows, share): seven values, so two are left out of the top five.
ROWS = [
    ("landing", "lead_source", "Facebook", 120, 0.12),
    ("salesforce", "lead_source", "Phone Inquiry", 900, 0.45),
    ("marketo", "country", "Korea", 40, 0.02),
    ("salesforce", "lead_status", "MQL", 300, 0.3),
    ("landing", "activity_type", "tiktok_like", 5, 0.001),
    ("marketo", "lead_source", "Paid Social", 300, 0.6),
    ("landing", "opportunity_stage", "Stalled", 2, 0.5),
]


def _cells(line: str) -> list[str]:
    """A table line's cells: columns are two or more spaces apart; a value may hold one."""
    return re.split(r"\s{2,}", line.strip())


def _warehouse(tmp_path: Path, rows: list[tuple] | None) -> Path:
    """A file with quality.rpt_unmapped_values holding `rows` (none at all when None)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "snapshot.duckdb"
    con = duckdb.connect(str(path))
    try:
        if rows is not None:
            con.execute("create schema quality")
            con.execute(f"create table quality.rpt_unmapped_values ({COLUMNS})")
            if rows:
                con.executemany(
                    "insert into quality.rpt_unmapped_values values (?, ?, ?, ?, ?)", rows
                )
    finally:
        con.close()
    return path


def _read(path: Path) -> tuple[int, list[tuple]] | None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return read_unmapped(con)
    finally:
        con.close()


def test_the_largest_values_by_rows_with_how_many_are_left_out(tmp_path: Path) -> None:
    unmapped = _read(_warehouse(tmp_path, ROWS))
    assert unmapped is not None
    count, top = unmapped
    assert count == len(ROWS)
    # By rows; a tie by the larger share first.
    assert top == [
        ("salesforce", "lead_source", "Phone Inquiry", 900, 0.45),
        ("marketo", "lead_source", "Paid Social", 300, 0.6),
        ("salesforce", "lead_status", "MQL", 300, 0.3),
        ("landing", "lead_source", "Facebook", 120, 0.12),
        ("marketo", "country", "Korea", 40, 0.02),
    ]
    assert len(top) == UNMAPPED_TOP

    header, rule, *lines = format_unmapped(unmapped).splitlines()
    assert _cells(header) == ["system", "field", "value", "rows", "share"]
    assert set(rule) == {"-"}
    assert [_cells(line) for line in lines[:UNMAPPED_TOP]] == [
        ["salesforce", "lead_source", "Phone Inquiry", "900", "45.0%"],
        ["marketo", "lead_source", "Paid Social", "300", "60.0%"],
        ["salesforce", "lead_status", "MQL", "300", "30.0%"],
        ["landing", "lead_source", "Facebook", "120", "12.0%"],
        ["marketo", "country", "Korea", "40", "2.0%"],
    ]
    (more,) = lines[UNMAPPED_TOP:]
    assert more.startswith("2 more unmapped values in quality.rpt_unmapped_values")


def test_one_line_when_every_value_mapped_or_the_report_is_missing(tmp_path: Path) -> None:
    assert _read(_warehouse(tmp_path / "empty", [])) == (0, [])
    assert format_unmapped((0, [])) == ALL_MAPPED
    assert _read(_warehouse(tmp_path / "old", None)) is None
    assert format_unmapped(None) == NO_UNMAPPED_REPORT
    # All of them fit: no "more" line.
    text = format_unmapped((1, [("landing", "country", "Atlantis", 3, 1.0)]))
    assert _cells(text.splitlines()[-1]) == ["landing", "country", "Atlantis", "3", "100.0%"]


def test_an_odd_value_stays_on_one_short_line() -> None:
    assert unmapped_value_text("  Google \n\t Ads  ") == "Google Ads"
    long = unmapped_value_text("x" * 100)
    assert len(long) == 40 and long.endswith("...")
    assert unmapped_value_text(None) == "-"


@pytest.mark.parametrize("rows", [ROWS[:2], None])
def test_the_section_follows_the_funnel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[tuple] | None
) -> None:
    """print_report on a snapshot with every table it reads (empty marts), with unmapped
    values and without the report (a snapshot of an older build)."""
    path = _warehouse(tmp_path, rows)
    con = duckdb.connect(str(path))
    try:
        for table, columns in REPORT_TABLES.items():
            if table == "quality.rpt_unmapped_values":
                continue
            con.execute(f"create schema if not exists {table.split('.')[0]}")
            con.execute(f"create table {table} ({columns})")
    finally:
        con.close()
    print_report(path)
    sections = capsys.readouterr().out.strip("\n").split("\n\n")
    assert len(sections) == 5
    assert sections[0].startswith("Lead funnel by channel")
    title, *body = sections[1].splitlines()
    assert title.startswith(f"Unmapped values (the {UNMAPPED_TOP} largest by rows")
    if rows is None:
        assert body == [NO_UNMAPPED_REPORT]
    else:
        assert len(body) == 2 + len(rows)
        assert _cells(body[2]) == ["salesforce", "lead_source", "Phone Inquiry", "900", "45.0%"]
        assert _cells(body[3]) == ["landing", "lead_source", "Facebook", "120", "12.0%"]
