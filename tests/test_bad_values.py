"""One bad value never takes a build down (issue 14): NaN and infinite amounts, dates before var
earliest_event_date and an opportunity with no creation date (dropped by the as-of cut in
silence before), in raw tables (written by a connector, not through our loader, which
rejects them itself) are quarantined with their reason, and the build and the reconciliation
hold. An infinite amount used to fail every build in fct_funnel_conversion ("Could not cast value
inf to DECIMAL(38,0)"), naming no file, row or column."""

from __future__ import annotations

import math

import duckdb
import pytest
from conftest import query

# (raw table, the row's new key, the column replacements, expected reason, expected rule)
BAD_ROWS = [
    ("opportunities", "opportunity_id", "OPP-INF", "cast('inf' as double) as amount",
     "non_finite_number", "amount_is_finite"),
    ("opportunities", "opportunity_id", "OPP-NAN", "cast('nan' as double) as amount",
     "non_finite_number", "amount_is_finite"),
    ("opportunities", "opportunity_id", "OPP-1900",
     "timestamp '1900-01-01 00:00:00' as created_at",
     "implausibly_old_timestamp", "created_at_not_before_earliest_event_date"),
    ("opportunities", "opportunity_id", "OPP-NO-DATE", "cast(null as timestamp) as created_at",
     "null_required", "created_at_not_null"),
    ("leads", "lead_id", "LEAD-NAN", "cast('nan' as double) as annual_revenue",
     "non_finite_number", "annual_revenue_is_finite"),
    ("leads", "lead_id", "LEAD-1900", "timestamp '1900-01-01 00:00:00' as created_at",
     "implausibly_old_timestamp", "created_at_not_before_earliest_event_date"),
    ("activities", "activity_id", "ACT-1900", "timestamp '1900-01-01 00:00:00' as occurred_at",
     "implausibly_old_timestamp", "occurred_at_not_before_earliest_event_date"),
]  # fmt: skip


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from dagster import DagsterInstance

    from orchestration.build import build_all
    from orchestration.generator import generate
    from orchestration.loader import load_landing
    from orchestration.settings import Settings

    root = tmp_path_factory.mktemp("bad_values")
    settings = Settings(root / "landing", root / "funnel.duckdb", root / "dagster")
    generate(300, 13, settings.landing_dir)
    load_landing(settings.landing_dir, settings.warehouse)
    con = duckdb.connect(str(settings.warehouse))
    try:
        for line, (table, key, value, replacement, _, _) in enumerate(BAD_ROWS, start=1):
            con.execute(
                f"insert into raw.{table} select * replace ('{value}' as {key}, {replacement}, "
                f"'connector/{table}.csv' as _source_file, {line} as _source_line) "
                f"from raw.{table} limit 1"
            )
        con.execute(
            "insert into raw.campaign_spend select * replace (date '2026-06-30' as spend_date, "
            "cast('inf' as double) as amount, 'connector/spend.csv' as _source_file, "
            "1 as _source_line) from raw.campaign_spend where campaign_id = "
            "(select min(campaign_id) from raw.campaign_spend) limit 1"
        )
    finally:
        con.close()
    with DagsterInstance.ephemeral() as instance:
        build_all(settings, instance=instance)
    return {"warehouse": settings.warehouse}


@pytest.mark.parametrize(("table", "key", "value", "replacement", "reason", "rule"), BAD_ROWS)
def test_bad_value_is_quarantined_with_its_reason(
    bad_build, table: str, key: str, value: str, replacement: str, reason: str, rule: str
) -> None:
    rows = query(
        bad_build["warehouse"],
        f"select reason_code, rule_name, caught_in from quality.quarantine_{table} "
        "where record_key = ?",
        [value],
    )
    assert rows == [(reason, rule, "staging")]


def test_infinite_spend_is_quarantined_and_the_build_holds(bad_build) -> None:
    warehouse = bad_build["warehouse"]
    rows = query(
        warehouse,
        "select reason_code from quality.quarantine_campaign_spend "
        "where source_file = 'connector/spend.csv'",
    )
    assert rows == [("non_finite_number",)]
    (spend,) = query(
        warehouse,
        "select spend_amount from marts.fct_funnel_conversion "
        "where cohort = 'all mature' and channel = 'all'",
    )[0]
    assert spend is not None and math.isfinite(spend)
    reconciled = query(warehouse, "select raw_table, is_reconciled from quality.rpt_reconciliation")
    assert len(reconciled) == 8 and all(ok for _, ok in reconciled), reconciled
    (cohorts,) = query(
        warehouse, "select count(*) from marts.fct_lead_funnel where created_at < '2000-01-01'"
    )[0]
    assert cohorts == 0, "a lead created in 1900 forms no cohort"
