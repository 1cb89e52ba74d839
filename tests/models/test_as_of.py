"""The as-of time on data whose CRM events outlive its marketing activity (DOMAIN.md 5).

One generated world has its activities cut off months before its last status changes and deals,
as real exports often are, and one planted opportunity won before its lead existed. Built three
times: with the default as-of (the latest event of any kind: nothing accepted is cut off), with an
explicit earlier as-of (every later event out of every mart, counted by kind, and a warning), and
that as-of again as a full refresh of the models (the incremental as-of move gives the same
marts).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import query, query_df, run_dbt

LEADS = 1_500
SEED = 31
ACTIVITIES_END = datetime(2026, 2, 28, 23, 59, 59)
AS_OF = "2025-09-30 12:00:00"
EARLY_OPPORTUNITY = "OPP-WON-BEFORE-ITS-LEAD"

# Every mart column that holds an event time, for "no mart shows an event after the as-of".
EVENT_COLUMNS = {
    "fct_lead_funnel": (
        "created_at", "first_mql_at", "latest_mql_at", "sal_at", "sql_at",
        "opportunity_created_at", "won_at", "lost_at", "disqualified_at", "first_sales_touch_at",
    ),
    "fct_mql_events": (
        "mql_at", "first_sales_touch_at", "accepted_at", "qualified_at", "converted_at",
        "opportunity_created_at", "disqualified_at", "recycled_at",
    ),
    "fct_lead_score_events": ("occurred_at",),
    "dim_leads": ("created_at", "first_mql_at", "latest_mql_at"),
}  # fmt: skip

# What each kind of event of rpt_events_after_as_of is, in the staged (accepted) rows.
STAGED_EVENTS = {
    "lead_created": "select created_at as event_at from intermediate.int_leads_checked "
    "where _dq_reason is null and not is_merged and not is_deleted",
    "activity": "select occurred_at as event_at from intermediate.int_activities_checked "
    "where _dq_reason is null",
    "status_change": "select status_changed_at as event_at "
    "from intermediate.int_lead_status_changes_checked where _dq_reason is null",
    "opportunity_created": "select created_at as event_at "
    "from intermediate.int_opportunities_checked where _dq_reason is null",
    "opportunity_closed": "select closed_at as event_at "
    "from intermediate.int_opportunities_checked "
    "where _dq_reason is null and is_closed and created_at <= '{as_of}'",
    "opportunity_stage_change": "select stage_changed_at as event_at "
    "from intermediate.int_opportunity_stage_histories_checked where _dq_reason is null",
}


def _rewrite(path: Path, sql: str) -> None:
    """Rewrites one landing Parquet file as `sql` over it (`{src}`)."""
    tmp = path.with_suffix(".tmp.parquet")
    source = f"read_parquet('{path}')"
    con = duckdb.connect()
    try:
        con.execute(f"copy ({sql.format(src=source)}) to '{tmp}' (format parquet)")
    finally:
        con.close()
    tmp.replace(path)


def _plant_early_won_opportunity(landing: Path) -> None:
    """A won opportunity created 10 days and closed 2 days before its lead was created."""
    leads = next((landing / "leads").glob("*.parquet"))
    con = duckdb.connect()
    try:
        (lead_id, created_at) = con.execute(
            f"select lead_id, created_at from read_parquet('{leads}') "
            "where merged_into_lead_id is null and not coalesce(is_deleted, false) "
            "order by created_at desc, lead_id limit 1"
        ).fetchone()
    finally:
        con.close()
    opportunities = next((landing / "opportunities").glob("*.parquet"))
    _rewrite(
        opportunities,
        "select * from {src} union all "
        f"select * replace ('{EARLY_OPPORTUNITY}' as opportunity_id, '{lead_id}' as lead_id, "
        f"timestamp '{created_at}' - interval 10 days as created_at, "
        f"timestamp '{created_at}' - interval 2 days as closed_at, "
        f"timestamp '{created_at}' - interval 2 days as updated_at, "
        "'Closed Won' as stage_name, true as is_closed, true as is_won, 5000.0 as amount) "
        "from (select * from {src} limit 1)",
    )


def _snapshot(warehouse: Path) -> dict[str, object]:
    names = [
        r[0]
        for r in query(
            warehouse,
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('marts', 'quality') and table_type = 'BASE TABLE' order by 1",
        )
    ]
    return {name: query_df(warehouse, f"select * from {name} order by all") for name in names}


@pytest.fixture(scope="module")
def as_of_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from dagster import DagsterInstance

    from orchestration.generator import generate
    from orchestration.ingestion.loader import load_landing
    from orchestration.runner.build import build_all, describe_as_of, summarise
    from orchestration.settings import Settings

    root = tmp_path_factory.mktemp("as_of")
    landing = root / "landing"
    generate(LEADS, SEED, landing)
    for path in (landing / "activities").glob("*.parquet"):
        _rewrite(path, f"select * from {{src}} where occurred_at <= timestamp '{ACTIVITIES_END}'")
    _plant_early_won_opportunity(landing)
    settings = Settings(
        landing_dir=landing, warehouse=root / "funnel.duckdb", dagster_home=root / "dagster"
    )
    builds: dict[str, object] = {"root": root, "warehouse": settings.warehouse}
    # The default as-of: seeds and models only (the explicit build below runs every test).
    load_landing(landing, settings.warehouse)
    built = run_dbt(
        settings.warehouse, root, "build", "--resource-type", "seed", "--resource-type", "model"
    )
    assert built.returncode == 0, built.stdout[-3000:]
    with DagsterInstance.ephemeral() as instance:
        default = root / "default.duckdb"
        shutil.copy(settings.warehouse, default)
        builds["default"] = default
        result = build_all(settings, instance=instance, as_of=AS_OF)
        builds["explicit_summary"] = summarise(result)
        builds["explicit_line"] = describe_as_of(settings.warehouse)
        explicit = root / "explicit.duckdb"
        shutil.copy(settings.warehouse, explicit)
        builds["explicit"] = explicit
        builds["explicit_marts"] = _snapshot(explicit)
    # The same as-of from scratch: models only (the build above ran every test).
    refreshed = run_dbt(
        settings.warehouse, root, "build", "--resource-type", "seed", "--resource-type", "model",
        "--full-refresh", "--vars", json.dumps({"as_of": AS_OF}),
    )  # fmt: skip
    assert refreshed.returncode == 0, refreshed.stdout[-3000:]
    builds["refreshed_marts"] = _snapshot(settings.warehouse)
    return builds


def test_default_as_of_is_the_latest_event_of_any_kind(as_of_builds) -> None:
    warehouse = as_of_builds["default"]
    latest = max(
        query(warehouse, f"select max(event_at) from ({sql.format(as_of=AS_OF)})")[0][0]
        for kind, sql in STAGED_EVENTS.items()
        if kind != "opportunity_closed"
    )
    latest = max(
        latest,
        query(warehouse, "select max(closed_at) from staging.stg_crm__opportunities")[0][0],
    )
    (as_of,) = query(warehouse, "select max(scored_as_of) from marts.dim_leads")[0]
    assert latest > ACTIVITIES_END, "the world must have CRM events after its last activity"
    assert as_of == latest
    assert query(warehouse, "select as_of_at from control.ctl_as_of")[0][0] == latest


def test_default_as_of_cuts_off_no_accepted_opportunity(as_of_builds) -> None:
    warehouse = as_of_builds["default"]
    (accepted, won_leads, after_activities) = query(
        warehouse,
        "select count(*), count(distinct case when is_won then surviving_lead_id end), "
        f"count(*) filter (where created_at > timestamp '{ACTIVITIES_END}') "
        "from intermediate.int_opportunities_checked "
        "where _dq_reason is null and surviving_lead_id is not null",
    )[0]
    (in_funnel, won) = query(
        warehouse,
        "select sum(opportunities), count(*) filter (where is_won) from marts.fct_lead_funnel",
    )[0]
    assert after_activities > 0, "the world must have deals after its last activity"
    assert in_funnel == accepted
    assert won == won_leads
    left_out = query(
        warehouse, "select sum(events_after_as_of) from quality.rpt_events_after_as_of"
    )
    assert left_out == [(0,)]


def test_opportunity_won_before_its_lead_is_quarantined(as_of_builds) -> None:
    warehouse = as_of_builds["default"]
    rows = query(
        warehouse,
        "select reason_code, caught_in from quality.quarantine_opportunities where record_key = ?",
        [EARLY_OPPORTUNITY],
    )
    assert rows == [("before_lead_created", "intermediate")]
    counted = query(
        warehouse,
        "select count(*) from intermediate.int_opportunities_resolved where opportunity_id = ?",
        [EARLY_OPPORTUNITY],
    )
    assert counted == [(0,)]
    (reconciled,) = query(
        warehouse,
        "select is_reconciled from quality.rpt_reconciliation where raw_table = 'opportunities'",
    )[0]
    assert reconciled


def test_conversion_chain_test_fails_on_a_deal_won_before_its_lead(as_of_builds) -> None:
    """The chain test passes on the build, and fails once the quarantine rule is taken away (a
    copy of the warehouse with the resolved view over every opportunity, as before the rule)."""
    root = as_of_builds["root"] / "chain"
    root.mkdir()
    warehouse = root / "tampered.duckdb"
    shutil.copy(as_of_builds["default"], warehouse)
    args = ("test", "--select", "assert_opportunities_follow_their_lead")
    passed = run_dbt(warehouse, root, *args)
    assert passed.returncode == 0, passed.stdout[-3000:]
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "create or replace view intermediate.int_opportunities_resolved as "
            "select opportunity_id, surviving_lead_id as lead_id, lead_id as original_lead_id, "
            "account_id, created_at as opportunity_created_at, stage_name, amount, is_closed, "
            "is_won, closed_at, channel from intermediate.int_opportunities_checked "
            "where _dq_reason is null or _dq_reason = 'before_lead_created'"
        )
    finally:
        con.close()
    failed = run_dbt(warehouse, root, *args)
    assert failed.returncode != 0
    assert "Got 1 result" in failed.stdout


def test_explicit_as_of_leaves_every_later_event_out_of_every_mart(as_of_builds) -> None:
    warehouse = as_of_builds["explicit"]
    as_of = datetime.fromisoformat(AS_OF)
    for mart, columns in EVENT_COLUMNS.items():
        latest = query(
            warehouse, f"select {', '.join(f'max({c})' for c in columns)} from marts.{mart}"
        )[0]
        for column, value in zip(columns, latest, strict=True):
            assert value is None or value <= as_of, f"{mart}.{column}: {value}"
    assert query(warehouse, "select distinct scored_as_of from marts.dim_leads") == [(as_of,)]
    # A deal created before the as-of and won after it was open then.
    (open_then,) = query(
        warehouse,
        "select count(*) from intermediate.int_opportunities_resolved as resolved "
        "join intermediate.int_opportunities_checked as checked using (opportunity_id) "
        f"where checked.is_won and checked.closed_at > timestamp '{AS_OF}' "
        "and not resolved.is_won and not resolved.is_closed and resolved.closed_at is null",
    )[0]
    assert open_then > 0
    # Spend of the days after the as-of day is left out of the conversion table.
    (spend,) = query(
        warehouse,
        "select sum(spend_amount) from marts.fct_funnel_conversion "
        "where cohort != 'all mature' and channel != 'all'",
    )[0]
    day = AS_OF[:10]
    (expected,) = query(
        warehouse,
        f"select sum(spend_amount) filter (where spend_date <= date '{day}') "
        "from staging.stg_marketing__campaign_spend as spend "
        "join staging.stg_marketing__campaigns as campaigns using (campaign_id) "
        "where exists (select 1 from marts.fct_lead_funnel as leads "
        "where leads.cohort_month = date_trunc('month', spend.spend_date) "
        "and leads.channel = campaigns.channel)",
    )[0]
    later = f"select count(*) from staging.stg_marketing__campaign_spend where spend_date > '{day}'"
    assert query(warehouse, later)[0][0] > 0
    assert spend == pytest.approx(expected, abs=0.01)


def test_explicit_as_of_counts_what_it_left_out_and_warns(as_of_builds) -> None:
    warehouse = as_of_builds["explicit"]
    counted = dict(
        query(
            warehouse, "select event_kind, events_after_as_of from quality.rpt_events_after_as_of"
        )
    )
    for kind, sql in STAGED_EVENTS.items():
        (expected,) = query(
            warehouse,
            f"select count(*) from ({sql.format(as_of=AS_OF)}) "
            f"where event_at > timestamp '{AS_OF}'",
        )[0]
        assert counted[kind] == expected, kind
    (spend_days,) = query(
        warehouse,
        "select count(*) from staging.stg_marketing__campaign_spend "
        f"where spend_date > date '{AS_OF[:10]}'",
    )[0]
    assert counted["campaign_spend_day"] == spend_days
    for kind in ("activity", "status_change", "opportunity_created", "opportunity_closed"):
        assert counted[kind] > 0, kind
    assert "no_events_after_as_of" in as_of_builds["explicit_summary"].split("warned")[-1]
    line = as_of_builds["explicit_line"]
    assert line.startswith(f"as of {AS_OF} (set with --as-of / FUNNEL_AS_OF)")
    assert f"{counted['activity']:,} activities" in line
    assert f"{counted['opportunity_closed']:,} opportunity closes" in line


def test_moving_the_as_of_incrementally_equals_a_full_refresh(as_of_builds) -> None:
    incremental, full = as_of_builds["explicit_marts"], as_of_builds["refreshed_marts"]
    assert set(incremental) == set(full)
    assert "marts.fct_lead_funnel" in full
    for name, frame in full.items():
        other = incremental[name]
        assert list(other.columns) == list(frame.columns), name
        assert other.equals(frame), f"{name} differs from a full refresh at the same as-of"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-30", "2026-06-30 00:00:00"),
        ("2026-06-30T12:30:00", "2026-06-30 12:30:00"),
        ("2026-06-30T12:30:00Z", "2026-06-30 12:30:00"),
        ("2026-06-30 14:30:00+02:00", "2026-06-30 12:30:00"),
        (" 2026-06-30 12:30:00.250000 ", "2026-06-30 12:30:00.250000"),
    ],
)
def test_as_of_is_normalised_to_utc(text: str, expected: str) -> None:
    from orchestration.settings import parse_as_of

    assert parse_as_of(text) == expected


def test_a_bad_as_of_is_one_clear_error_before_anything_runs(tmp_path, capsys) -> None:
    from orchestration.cli import main

    code = main(["build", "--as-of", "last tuesday"])
    err = capsys.readouterr().err
    assert code == 1
    assert "'last tuesday' is not an ISO 8601 date or timestamp" in err
    assert err.count("\n") == 1
