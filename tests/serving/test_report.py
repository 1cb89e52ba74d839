"""The tables printed by `make run`: totals and rates come from the rows given."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.serving.report import (
    ALL_MAPPED,
    format_conversion,
    format_drift,
    format_funnel,
    format_speed,
    print_report,
)


def _line(text: str, first: str) -> list[str]:
    return next(line.split() for line in text.splitlines() if line.split()[:1] == [first])


def test_funnel_table_totals_and_rates() -> None:
    rows = [("paid_search", 10, 2, 1, 1, 0), ("referral", 30, 3, 2, 1, 1)]
    text = format_funnel(rows)
    leads, mqls = 10 + 30, 2 + 3
    assert _line(text, "all") == [
        "all",
        str(leads),
        str(mqls),
        f"{mqls / leads:.1%}",
        "3",
        "2",
        "1",
    ]
    assert _line(text, "paid_search")[3] == f"{2 / 10:.1%}"


def test_conversion_table_shows_band_and_flag() -> None:
    rows = [("event", 40, 18, 0.45, 0.30, 0.50, "healthy", 12.5, 80.0, 200)]
    line = _line(format_conversion(rows), "event")
    assert line[:5] == ["event", "40", "18", "45.0%", "30%-50%"]
    assert "healthy" in line and "$80" in line


def test_speed_table_handles_missing_rates() -> None:
    text = format_speed([("<=4h", 100, 0.3, 1.0), ("never", 5, None, None)])
    assert _line(text, "never") == ["never", "5", "-", "-"]
    assert _line(text, "<=4h")[-1] == "1.00x"


def test_build_summary_separates_errors_from_warnings() -> None:
    from types import SimpleNamespace

    from dagster import AssetCheckSeverity

    from orchestration.runner.build import summarise

    def check(name: str, passed: bool, severity: AssetCheckSeverity) -> SimpleNamespace:
        data = SimpleNamespace(check_name=name, passed=passed, severity=severity)
        return SimpleNamespace(event_type_value="ASSET_CHECK_EVALUATION", event_specific_data=data)

    events = [
        SimpleNamespace(event_type_value="ASSET_MATERIALIZATION"),
        check("unique_x", True, AssetCheckSeverity.ERROR),
        check("band", False, AssetCheckSeverity.WARN),
        check("chain", False, AssetCheckSeverity.ERROR),
    ]
    line = summarise(SimpleNamespace(all_events=events))
    assert line == "1 assets materialised, 1 checks passed, 1 failed (chain), 1 warned (band)"


def test_formatters_print_a_dash_for_missing_values() -> None:
    funnel = format_funnel(
        [("paid_search", 10, None, 1, None, 0), ("referral", 5, 2, None, None, 0)]
    )
    assert _line(funnel, "paid_search") == ["paid_search", "10", "-", "-", "1", "-", "0"]
    # The total adds what is known and stays '-' where nothing is.
    assert _line(funnel, "all") == ["all", "15", "2", f"{2 / 15:.1%}", "1", "-", "0"]

    conversion = format_conversion(
        [
            ("event", 40, None, None, 0.30, None, None, None, 1234.4, 90),
            ("all", 40, 18, 0.45, None, None, "no benchmark", None, None, 90),
        ]
    )
    assert _line(conversion, "event") == ["event", "40", "-", "-", "-", "-", "-", "$1,234"]
    assert _line(conversion, "all") == [
        "all",
        "40",
        "18",
        "45.0%",
        "-",
        "no",
        "benchmark",
        "-",
        "-",
    ]

    speed = format_speed([("<=4h", None, None, None), ("never", 1500, 0.2, 0.5)])
    assert _line(speed, "<=4h") == ["<=4h", "-", "-", "-"]
    assert _line(speed, "never") == ["never", "1,500", "20.0%", "0.50x"]

    drift = format_drift([("v1", None, None, None, None), ("v2", 65.0, 1200, 300, 0.25)])
    assert _line(drift, "v1") == ["v1", "-", "-", "-", "-"]
    assert _line(drift, "v2") == ["v2", "65", "1,200", "300", "25.0%"]


# The tables and columns print_report reads, nothing more: (schema.table, column definitions).
TABLES = {
    "marts.fct_lead_funnel": (
        "channel varchar, is_mql boolean, is_sql boolean, has_opportunity boolean, is_won boolean"
    ),
    "marts.fct_funnel_conversion": (
        "cohort varchar, channel varchar, leads bigint, mqls bigint, sqls_from_mql bigint, "
        "mql_to_sql_rate double, benchmark_mql_to_sql_low double, "
        "benchmark_mql_to_sql_high double, health_flag varchar, cost_per_lead double, "
        "cost_per_mql double"
    ),
    "marts.rpt_speed_to_lead": (
        "channel varchar, response_bucket varchar, bucket_order integer, mqls bigint, "
        "mql_to_sql_rate double, rate_vs_within_48h double"
    ),
    "marts.rpt_mql_definition_backtest": (
        "channel varchar, definition_version varchar, score_threshold double, mqls bigint, "
        "sqls bigint, mql_to_sql_rate double"
    ),
    "marts.dim_leads": "scored_as_of timestamp",
    "config.funnel_health_settings": "parameter varchar, value double",
    "quality.rpt_unmapped_values": (
        "source_system varchar, field varchar, value_as_delivered varchar, unmapped_rows bigint, "
        "share_of_field double"
    ),
}
AS_OF = datetime(2026, 1, 15, 8, 30)
WINDOW_DAYS = 90


def _warehouse(tmp_path: Path, rows: dict[str, list[tuple]], *, settings: bool = True) -> Path:
    """A warehouse with every table print_report reads, holding only the rows given; without
    `settings` there is no config schema at all (an unreadable measurement window)."""
    path = tmp_path / "funnel.duckdb"
    con = duckdb.connect(str(path))
    try:
        for table, columns in TABLES.items():
            schema = table.split(".")[0]
            if schema == "config" and not settings:
                continue
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {table} ({columns})")
            for row in rows.get(table, []):
                con.execute(f"insert into {table} values ({', '.join('?' * len(row))})", row)
    finally:
        con.close()
    return path


def _report(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, list[str]]:
    """The printed report as section title -> the lines under it."""
    print_report(path)
    sections = capsys.readouterr().out.strip("\n").split("\n\n")
    return {title: body for title, *body in (s.splitlines() for s in sections)}


def _section(report: dict[str, list[str]], start: str) -> list[str]:
    (body,) = [body for title, body in report.items() if title.startswith(start)]
    return body


def _settings_rows() -> list[tuple]:
    return [("min_cohort_mqls", 30.0), ("measurement_window_days", float(WINDOW_DAYS))]


def test_report_without_a_mature_cohort(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Two weeks of data: leads and an MQL, but the 'all mature' row has 0 leads and NULLs."""
    funnel = [
        ("paid_search", True, False, False, False),
        ("paid_search", False, False, False, False),
        ("referral", False, False, False, False),
        ("referral", False, False, False, False),
    ]
    path = _warehouse(
        tmp_path,
        {
            "marts.fct_lead_funnel": funnel,
            "marts.fct_funnel_conversion": [
                ("2026-01-01", "all", 4, 1, 0, 0.0, None, None, "immature", 2.5, 10.0),
                ("all mature", "all", 0, None, None, None, None, None, "no benchmark", None, None),
            ],
            "marts.rpt_speed_to_lead": [("all", "never", 6, 1, 0.0, None)],
            "marts.rpt_mql_definition_backtest": [("all", "v1", 70.0, 1, 0, 0.0)],
            "marts.dim_leads": [(AS_OF,)] * len(funnel),
            "config.funnel_health_settings": _settings_rows(),
        },
    )
    report = _report(path, capsys)

    funnel_lines = _section(report, "Lead funnel")
    assert funnel_lines[-1].split() == ["all", "4", "1", f"{1 / 4:.1%}", "0", "0", "0"]
    (conversion,) = _section(report, "MQL to SQL")
    assert conversion.startswith("no mature cohort yet: a cohort (leads created in one month)")
    assert f"matures {WINDOW_DAYS} days after its month ends" in conversion
    assert conversion.endswith(f"the as-of time is {AS_OF:%Y-%m-%d %H:%M:%S}")
    speed = "\n".join(_section(report, "Speed to lead"))
    assert _line(speed, "never") == ["never", "1", "0.0%", "-"]
    assert _line("\n".join(_section(report, "MQL definitions")), "v1")[:2] == ["v1", "70"]


def test_report_without_any_mql(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A mature cohort whose leads never became MQLs: no rate, no speed to lead, no drift."""
    funnel = [("paid_search", False, False, False, False)] * 2 + [
        ("referral", False, False, False, False)
    ]
    path = _warehouse(
        tmp_path,
        {
            "marts.fct_lead_funnel": funnel,
            # cohort, channel, leads, mqls, sqls_from_mql, rate, band, health, cost/lead, /MQL
            "marts.fct_funnel_conversion": [
                ("all mature", "paid_search", 2, 0, 0, None, 0.3, 0.5, "insufficient", 5.0, None),
                ("all mature", "referral", 1, 0, 0, None, 0.4, 0.6, "insufficient", 0.0, None),
                ("all mature", "all", 3, 0, 0, None, None, None, "insufficient", 3.3, None),
            ],
            "marts.dim_leads": [(AS_OF,)] * len(funnel),
            "config.funnel_health_settings": _settings_rows(),
        },
    )
    report = _report(path, capsys)

    assert _section(report, "Lead funnel")[-1].split() == ["all", "3", "0", "0.0%", "0", "0", "0"]
    (conversion,) = _section(report, "MQL to SQL")
    assert conversion.startswith("no MQLs in the mature cohorts yet: 3 leads in mature cohorts")
    (speed,) = _section(report, "Speed to lead")
    assert speed.startswith("no MQLs yet:") and "marts.rpt_speed_to_lead" in speed
    (drift,) = _section(report, "MQL definitions")
    assert drift.startswith("no MQLs yet") and "marts.rpt_mql_definition_backtest" in drift


def test_report_on_empty_marts(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Every mart empty and no config schema: one line per section, and no exception."""
    report = _report(_warehouse(tmp_path, {}, settings=False), capsys)

    assert len(report) == 5
    assert _section(report, "Lead funnel") == ["no leads in marts.fct_lead_funnel yet"]
    assert _section(report, "Unmapped values") == [ALL_MAPPED]
    (conversion,) = _section(report, "MQL to SQL")
    assert conversion.startswith("no mature cohort yet:")
    assert "matures the measurement window (config.funnel_health_settings) after" in conversion
    assert conversion.endswith("the as-of time is unknown (no scored lead in marts.dim_leads)")
    assert _section(report, "Speed to lead")[0].startswith("no MQLs yet:")
    assert len(_section(report, "MQL definitions")) == 1
    assert all(len(body) == 1 for body in report.values()), report
