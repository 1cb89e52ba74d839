"""The funnel_summary asset's metadata on young data: it must materialize, not crash, when the
marts are empty, when no cohort is mature yet, and when sums are NULL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from orchestration.defs.summary import COLUMNS, channel_markdown, read_summary, summary_metadata

# Only the columns read_summary reads.
LEAD_FUNNEL = (
    "channel varchar, is_mql boolean, is_sql_after_mql boolean, is_sql boolean, "
    "has_opportunity boolean, is_won boolean, pipeline_amount double, won_amount double"
)
CONVERSION = "cohort varchar, channel varchar, mql_to_sql_rate double, health_flag varchar"
MATURE_KEY = "mql_to_sql_rate_mature_cohorts"


def _warehouse(tmp_path: Path, leads: list[tuple], conversion: list[tuple]) -> Path:
    path = tmp_path / "funnel.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(f"create table marts.fct_lead_funnel ({LEAD_FUNNEL})")
        con.execute(f"create table marts.fct_funnel_conversion ({CONVERSION})")
        for row in leads:
            con.execute("insert into marts.fct_lead_funnel values (?, ?, ?, ?, ?, ?, ?, ?)", row)
        for row in conversion:
            con.execute("insert into marts.fct_funnel_conversion values (?, ?, ?, ?)", row)
    finally:
        con.close()
    return path


def _values(metadata: dict[str, Any]) -> dict[str, Any]:
    return {key: value.value for key, value in metadata.items()}


def test_summary_of_an_empty_warehouse(tmp_path: Path) -> None:
    totals, channels, mature_rate = read_summary(_warehouse(tmp_path, [], []))
    assert (channels, mature_rate) == ([], None)

    metadata = _values(summary_metadata(totals, channels, mature_rate))
    counted = [name for name in COLUMNS if name != "sqls_from_mql"]  # a rate's numerator only
    assert {metadata[name] for name in [*counted, "mql_rate", "mql_to_sql_rate"]} == {0}
    assert MATURE_KEY not in metadata
    assert metadata["by_channel"].splitlines()[-1] == "no leads in marts.fct_lead_funnel yet"


def test_summary_of_an_immature_warehouse(tmp_path: Path) -> None:
    """A week of leads: the only 'all mature' row is the all-channel one, with no rate."""
    leads = [
        ("paid_search", True, True, True, True, False, 5000.0, None),
        ("paid_search", True, False, False, False, False, None, None),
        ("referral", False, False, False, False, False, None, None),
    ]
    conversion = [
        ("2026-01-01", "paid_search", 0.5, "immature"),
        ("2026-01-01", "referral", None, "immature"),
        ("all mature", "all", None, "no benchmark"),
    ]
    totals, channels, mature_rate = read_summary(_warehouse(tmp_path, leads, conversion))
    assert mature_rate is None
    assert [(c["channel"], c["health_flag"]) for c in channels] == [
        ("paid_search", None),
        ("referral", None),
    ]

    metadata = _values(summary_metadata(totals, channels, mature_rate))
    assert MATURE_KEY not in metadata
    assert (metadata["leads"], metadata["mqls"], metadata["sqls"]) == (3, 2, 1)
    assert metadata["mql_to_sql_rate"] == round(1 / 2, 4)
    assert metadata["pipeline_amount"] == 5000.0
    table = metadata["by_channel"]
    assert "| paid_search | 2 | 2 | 100.0% | 1 | 50.0% | - | - | 1 | 0 | $5,000 | $0 |" in table
    assert table.splitlines()[-1].startswith("no mature cohort yet:")


def test_summary_metadata_with_null_sums_and_flags() -> None:
    """NULL totals (a sum over no rows) count as none; a channel row of NULLs shows '-'."""
    totals = dict.fromkeys(COLUMNS)
    channel = {
        "channel": "event",
        "leads": 0,
        "mqls": None,
        "sqls_from_mql": None,
        "sqls": None,
        "opportunities": None,
        "won": None,
        "pipeline_amount": None,
        "won_amount": None,
        "mature_mql_to_sql_rate": None,
        "health_flag": None,
    }
    metadata = _values(summary_metadata(totals, [channel], None))
    assert (metadata["leads"], metadata["mql_rate"], metadata["won_amount"]) == (0, 0.0, 0.0)
    assert MATURE_KEY not in metadata
    row = metadata["by_channel"].splitlines()[2]
    assert row == "| event | 0 | - | - | - | - | - | - | - | - | - | - |"

    with_rate = _values(summary_metadata(totals, [channel], 0.41234))
    assert with_rate[MATURE_KEY] == 0.4123


def test_channel_markdown_without_rows_says_why() -> None:
    lines = channel_markdown([]).splitlines()
    assert lines[0].startswith("| channel | leads |")
    assert lines[-1] == "no leads in marts.fct_lead_funnel yet"
