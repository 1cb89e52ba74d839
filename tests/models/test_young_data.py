"""What a new user with fresh data meets first: a warehouse with no activities at all (CRM events
only) and one with a single day of history. Both build, the funnel comes from the CRM events, and
`funnel report` and the summary asset explain what is missing instead of crashing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import query


def _build(root: Path, leads: int, start: str, end: str, *, activities: bool) -> dict[str, object]:
    from dagster import AssetKey, DagsterInstance

    from orchestration.generator import generate
    from orchestration.runner.build import build_all
    from orchestration.settings import Settings

    landing = root / "landing"
    generate(leads, 3, landing, start=start, end=end)
    if not activities:
        shutil.rmtree(landing / "activities")
    settings = Settings(
        landing_dir=landing, warehouse=root / "funnel.duckdb", dagster_home=root / "dagster"
    )
    with DagsterInstance.ephemeral() as instance:
        result = build_all(settings, instance=instance)
    summary = [
        event.event_specific_data.materialization
        for event in result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION"
        and event.event_specific_data.materialization.asset_key
        == AssetKey(["marts", "funnel_summary"])
    ]
    return {"warehouse": settings.warehouse, "summary": summary}


@pytest.fixture(scope="module")
def no_activities(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Three months of CRM data (leads, status changes, deals) and not one activity."""
    return _build(
        tmp_path_factory.mktemp("no_activities"), 900, "2026-04-01", "2026-06-30", activities=False
    )


@pytest.fixture(scope="module")
def one_day(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return _build(
        tmp_path_factory.mktemp("one_day"), 300, "2026-06-29", "2026-06-30", activities=True
    )


def _report(warehouse: Path, monkeypatch, capsys) -> tuple[int, str]:
    from orchestration.cli import main

    monkeypatch.setenv("FUNNEL_WAREHOUSE", str(warehouse))
    code = main(["report"])
    captured = capsys.readouterr()
    assert captured.err == ""
    return code, captured.out


def test_without_activities_the_funnel_is_built_from_crm_events(no_activities) -> None:
    warehouse = no_activities["warehouse"]
    (activities,) = query(warehouse, "select count(*) from raw.activities")[0]
    assert activities == 0
    (as_of, latest_crm) = query(
        warehouse,
        "select (select as_of_at from control.ctl_as_of), greatest("
        "(select max(created_at) from staging.stg_crm__leads), "
        "(select max(status_changed_at) from staging.stg_crm__lead_status_history), "
        "(select max(coalesce(closed_at, created_at)) from staging.stg_crm__opportunities))",
    )[0]
    assert as_of is not None and as_of == latest_crm
    (accepted, sqls) = query(
        warehouse,
        "select (select count(*) from intermediate.int_opportunities_checked "
        "where _dq_reason is null and surviving_lead_id is not null), "
        "(select count(distinct lead_id) from intermediate.int_lead_status_changes_checked "
        "where _dq_reason is null and status = 'qualified')",
    )[0]
    (leads, opportunities, funnel_sqls, mqls) = query(
        warehouse,
        "select count(*), sum(opportunities), count(*) filter (where is_sql), "
        "count(*) filter (where is_mql) from marts.fct_lead_funnel",
    )[0]
    assert accepted > 0 and opportunities == accepted
    assert sqls > 0 and funnel_sqls == sqls
    assert mqls == 0
    assert leads == query(warehouse, "select count(*) from marts.dim_leads")[0][0]
    assert query(warehouse, "select max(engagement_score) from marts.dim_leads") == [(0,)]


def test_report_without_activities_or_mature_cohorts_explains(
    no_activities, monkeypatch, capsys
) -> None:
    code, out = _report(no_activities["warehouse"], monkeypatch, capsys)
    assert code == 0
    assert "no mature cohort yet" in out
    assert "no MQLs yet" in out
    (leads,) = query(no_activities["warehouse"], "select count(*) from marts.fct_lead_funnel")[0]
    all_row = next(line.split() for line in out.splitlines() if line.startswith("all "))
    assert all_row[1] == f"{leads:,}"


def test_summary_asset_materialises_without_activities(no_activities) -> None:
    (materialization,) = no_activities["summary"]
    metadata = materialization.metadata
    (leads,) = query(no_activities["warehouse"], "select count(*) from marts.fct_lead_funnel")[0]
    assert metadata["leads"].value == leads
    assert metadata["mqls"].value == 0
    assert "mql_to_sql_rate_mature_cohorts" not in metadata


def test_one_day_of_history_builds_and_reports(one_day, monkeypatch, capsys) -> None:
    warehouse = one_day["warehouse"]
    (first, last) = query(
        warehouse, "select min(created_at), max(created_at) from marts.fct_lead_funnel"
    )[0]
    assert (last - first).total_seconds() <= 2 * 86400
    mature = query(
        warehouse,
        "select coalesce(sum(leads), 0) from marts.fct_funnel_conversion "
        "where cohort = 'all mature'",
    )
    assert mature == [(0,)]
    code, out = _report(warehouse, monkeypatch, capsys)
    assert code == 0
    assert "no mature cohort yet" in out
    assert len(one_day["summary"]) == 1
