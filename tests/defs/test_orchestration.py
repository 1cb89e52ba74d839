"""Jobs, schedules, sensors, the summary asset and alerting, on a small generated data set.

Two builds in this module (~1 min each on 2 cores): a clean one (the summary's numbers, no
alert) and, on a copy, one with a broken conversion chain (exactly one alert, the warnings in
one digest). The sensor and schedule ticks need no build.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import query
from dagster import (
    AssetKey,
    DagsterInstance,
    SensorResult,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
    instance_for_test,
)
from webhook import webhook_server

from orchestration.alerting.failing_keys import dbt_target_root
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.schedules import ScheduleSettings, build_schedules
from orchestration.generator import generate
from orchestration.ingestion import loader
from orchestration.runner.build import build_all, prepare_manifest
from orchestration.settings import Settings

SMALL_LEADS = 1_500
SMALL_SEED = 11
ENV_KEYS = ("FUNNEL_LANDING_DIR", "FUNNEL_WAREHOUSE", "DAGSTER_HOME", "FUNNEL_ALERT_URLS")
DIM_LEADS = AssetKey(["marts", "dim_leads"])
NEW_LEAD = "L0990001"
ORPHAN_LEAD = "L0999999"


@pytest.fixture(scope="module")
def defs():
    prepare_manifest()
    from orchestration.definitions import defs

    return defs


@pytest.fixture(scope="module")
def isolated_env() -> Iterator[pytest.MonkeyPatch]:
    """build_all exports paths into os.environ; put them back for the modules that follow."""
    with pytest.MonkeyPatch.context() as patch:
        for key in ENV_KEYS:
            patch.setenv(key, os.environ.get(key, ""))
        patch.delenv("FUNNEL_ALERT_URLS")
        yield patch


@pytest.fixture(scope="module")
def instance() -> Iterator[DagsterInstance]:
    # Persistent (SQLite in a temp dir): schedule contexts reopen the instance from its ref.
    with instance_for_test(set_dagster_home=False) as dagster_instance:
        yield dagster_instance


def _remove_dbt_targets(run_id: str) -> None:
    """dagster-dbt leaves a target folder per invocation (~15 MB); drop this module's."""
    for folder in dbt_target_root().glob(f"*-{run_id[:7]}-*"):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def small_build(tmp_path_factory, isolated_env, instance, defs) -> Iterator[dict]:
    """1,500 generated leads built through Dagster into a warehouse of this module's own."""
    root = tmp_path_factory.mktemp("small")
    generate(SMALL_LEADS, SMALL_SEED, root / "landing")
    settings = Settings(root / "landing", root / "funnel.duckdb", root / "dagster")
    result = build_all(settings, instance=instance)
    yield {"settings": settings, "result": result}
    _remove_dbt_targets(result.run_id)


def _resources(settings: Settings) -> dict:
    return {
        "warehouse": WarehouseResource(
            landing_dir=str(settings.landing_dir), warehouse=str(settings.warehouse)
        )
    }


def _sensor(defs, name: str):
    return next(s for s in defs.sensors if s.name == name)


def _schedule(defs, name: str):
    return next(s for s in defs.schedules if s.name == name)


# ---------------------------------------------------------------------------------------------
# Definitions and the schedule
# ---------------------------------------------------------------------------------------------


def test_definitions_carry_jobs_schedules_sensors_and_the_summary(defs) -> None:
    assert defs.resolve_job_def("funnel_refresh") is not None
    assert defs.resolve_job_def("funnel_warning_digest") is not None
    assert {s.name for s in defs.schedules} == {
        "funnel_daily_refresh",
        "funnel_warning_digest_daily",
    }
    assert {s.name for s in defs.sensors} == {"funnel_landing_sensor", "funnel_alerts"}
    summary = defs.resolve_asset_graph().get(AssetKey(["marts", "funnel_summary"]))
    assert summary.group_name == "marts"
    assert summary.parent_keys == {
        AssetKey(["marts", "fct_lead_funnel"]),
        AssetKey(["marts", "fct_funnel_conversion"]),
    }


def test_schedule_cron_and_timezone_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("FUNNEL_SCHEDULE_CRON", raising=False)
    monkeypatch.delenv("FUNNEL_SCHEDULE_TIMEZONE", raising=False)
    default, _ = build_schedules(ScheduleSettings.from_env())
    assert (default.cron_schedule, default.execution_timezone) == ("0 6 * * *", "UTC")
    monkeypatch.setenv("FUNNEL_SCHEDULE_CRON", "30 5 * * 1-5")
    monkeypatch.setenv("FUNNEL_SCHEDULE_TIMEZONE", "Europe/Berlin")
    custom, _ = build_schedules(ScheduleSettings.from_env())
    assert (custom.cron_schedule, custom.execution_timezone) == ("30 5 * * 1-5", "Europe/Berlin")


def test_daily_schedule_tick_requests_a_refresh(defs) -> None:
    tick = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    with instance_for_test(set_dagster_home=False) as fresh:
        context = build_schedule_context(instance=fresh, scheduled_execution_time=tick)
        request = _schedule(defs, "funnel_daily_refresh")(context)
        assert request.run_key == f"daily-{tick.isoformat()}"
        assert request.tags["funnel/trigger"] == "schedule"
        quiet = _schedule(defs, "funnel_warning_digest_daily")(
            build_schedule_context(instance=fresh, scheduled_execution_time=tick)
        )
        assert isinstance(quiet, SkipReason), "no warnings, no digest run"


# ---------------------------------------------------------------------------------------------
# Landing sensor (no build: an empty warehouse with the manifest table is enough)
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def landing(tmp_path: Path) -> Settings:
    settings = Settings(tmp_path / "landing", tmp_path / "funnel.duckdb", tmp_path / "dagster")
    with loader.connect(settings.warehouse) as con:
        loader.ensure_raw_schema(con)
    (settings.landing_dir / "activities").mkdir(parents=True)
    (settings.landing_dir / "activities" / "batch_0002.csv").write_text("activity_id\n")
    return settings


def _tick_landing(defs, settings: Settings, instance: DagsterInstance, cursor: str | None):
    with build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs, resources=_resources(settings)
    ) as context:
        return _sensor(defs, "funnel_landing_sensor")(context)


def test_new_landing_file_triggers_one_run_of_its_table_and_downstream(defs, landing) -> None:
    with instance_for_test(set_dagster_home=False) as fresh:
        result = _tick_landing(defs, landing, fresh, None)
        assert isinstance(result, SensorResult)
        (request,) = result.run_requests
        selection = set(request.asset_selection)
        assert AssetKey(["raw", "activities"]) in selection
        for downstream in (
            "staging/stg_marketing__activities",
            "marts/fct_lead_score_events",
            "marts/fct_mql_events",
            "marts/funnel_summary",
            # Every incremental model runs with any new file: the watermark covers every
            # table, so it is recorded only when none was left out (macros/control.sql).
            "staging/base_crm__leads",
            "intermediate/int_leads_fit_scored",
        ):
            assert AssetKey.from_user_string(downstream) in selection
        for unrelated in (
            "raw/leads",
            "staging/stg_marketing__campaigns",
            "config/mql_definitions",
        ):
            assert AssetKey.from_user_string(unrelated) not in selection
        assert request.run_key.startswith("landing-")
        assert "activities/batch_0002.csv" in request.tags["funnel/files"]

        again = _tick_landing(defs, landing, fresh, result.cursor)
        assert not again.run_requests, "the same file never triggers twice"
        assert "no new landing files" in again.skip_reason.skip_message

        (landing.landing_dir / "activities" / "batch_0003.csv").write_text("activity_id\n")
        third = _tick_landing(defs, landing, fresh, again.cursor)
        (next_request,) = third.run_requests
        assert next_request.run_key != request.run_key
        assert "batch_0002" not in next_request.tags["funnel/files"]


def test_a_misspelt_table_folder_is_named_on_every_tick(defs, landing) -> None:
    """`lead/` (for `leads/`) is never loaded: the sensor says so instead of passing over it."""
    (landing.landing_dir / "lead").mkdir()
    (landing.landing_dir / "lead" / "x.csv").write_text("lead_id\n")
    with instance_for_test(set_dagster_home=False) as fresh:
        first = _tick_landing(defs, landing, fresh, None)
        again = _tick_landing(defs, landing, fresh, first.cursor)
    assert "not loaded: lead/ " in again.skip_reason.skip_message
    assert "known tables: accounts" in again.skip_reason.skip_message


def test_locked_warehouse_skips_the_tick(defs, landing) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
            "print('locked', flush=True); time.sleep(60)",
            str(landing.warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([holder.stdout], [], [], 30)
        assert ready and holder.stdout.readline().strip() == "locked"
        with instance_for_test(set_dagster_home=False) as fresh:
            result = _tick_landing(defs, landing, fresh, None)
        assert isinstance(result, SkipReason)
        assert "locked by a running build" in result.skip_message
    finally:
        holder.kill()
        holder.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# The summary asset on a clean build
# ---------------------------------------------------------------------------------------------


def _metadata(result, key: AssetKey) -> dict:
    (event,) = [
        e
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key == key
    ]
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def test_summary_metadata_matches_the_marts(small_build) -> None:
    metadata = _metadata(small_build["result"], AssetKey(["marts", "funnel_summary"]))
    warehouse = small_build["settings"].warehouse
    ((leads, mqls, in_episode, sqls, opps, won, pipeline, won_amount),) = query(
        warehouse,
        "select count(*), sum(is_mql::int), sum(is_sql_after_mql::int), sum(is_sql::int), "
        "sum(has_opportunity::int), sum(is_won::int), sum(pipeline_amount), sum(won_amount) "
        "from marts.fct_lead_funnel",
    )
    assert leads > 1000 and mqls > 0 and won > 0
    assert metadata["leads"] == leads
    assert metadata["mqls"] == mqls
    assert metadata["sqls"] == sqls
    assert metadata["opportunities"] == opps
    assert metadata["won"] == won
    assert metadata["mql_rate"] == pytest.approx(mqls / leads, abs=1e-4)
    assert metadata["mql_to_sql_rate"] == pytest.approx(in_episode / mqls, abs=1e-4)
    assert metadata["pipeline_amount"] == pytest.approx(pipeline, abs=0.01)
    assert metadata["won_amount"] == pytest.approx(won_amount, abs=0.01)
    channels = query(
        warehouse,
        "select channel, count(*) from marts.fct_lead_funnel group by 1 order by 2 desc, 1",
    )
    table = metadata["by_channel"]
    for channel, count in channels:
        assert f"| {channel} | {count:,} |" in table


# ---------------------------------------------------------------------------------------------
# Alerts: a clean build, then a build over a broken chain, then the day's digest
# ---------------------------------------------------------------------------------------------


def _tick_alerts(defs, instance: DagsterInstance, settings: Settings, cursor: str | None):
    with build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs, resources=_resources(settings)
    ) as context:
        return _sensor(defs, "funnel_alerts")(context), context.cursor


def _break_the_chain(landing_dir: Path) -> None:
    """A new lead with one activity, and an opportunity of a lead that does not exist."""
    (landing_dir / "leads" / "batch_9001.csv").write_text(
        "lead_id,email,company_name,account_id,job_title,industry,employee_count,"
        "annual_revenue,country,lead_source,created_at,updated_at,merged_into_lead_id,"
        f"is_deleted\n{NEW_LEAD},ann@newco.example,NewCo,,Director,Software,500,1000000,US,"
        "Google Ads,2026-06-01 10:00:00,2026-06-01 10:00:00,,false\n"
    )
    (landing_dir / "activities" / "batch_9001.csv").write_text(
        "activity_id,lead_id,activity_type,occurred_at,campaign_id,url\n"
        f"A99000001,{NEW_LEAD},email_open,2026-06-02 10:00:00,,\n"
    )
    (landing_dir / "opportunities" / "batch_9001.csv").write_text(
        "opportunity_id,lead_id,account_id,created_at,stage_name,amount,is_closed,is_won,"
        "closed_at,lead_source,updated_at\n"
        f"O999901,{ORPHAN_LEAD},ACC00001,2025-06-01 10:00:00,Closed Won,1000,true,true,"
        "2025-06-02 10:00:00,Field Event,2025-06-02 10:00:00\n"
    )


@pytest.fixture(scope="module")
def alert_story(small_build, tmp_path_factory, instance, defs) -> Iterator[dict]:
    """Ticks the alert sensor after the clean build, breaks the chain on a copy of the
    warehouse and builds it, ticks twice more, then runs the day's digest: every message
    the local webhook received at each step."""
    story: dict = {}
    root = tmp_path_factory.mktemp("broken")
    clean = small_build["settings"]
    shutil.copytree(clean.landing_dir, root / "landing")
    shutil.copy(clean.warehouse, root / "funnel.duckdb")
    broken = Settings(root / "landing", root / "funnel.duckdb", root / "dagster")
    with webhook_server() as hook, pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_ALERT_URLS", hook.url)
        story["clean_tick"], cursor = _tick_alerts(defs, instance, clean, None)
        story["after_clean"] = list(hook.received)

        # No landing delivery breaks an ERROR-severity test (orphans are kept out by the
        # staging and quarantine layers and only warn), so the chain breaks the way a partial
        # rebuild breaks it: facts rebuilt over the new data, dim_leads left stale.
        _break_the_chain(broken.landing_dir)
        broken.export()
        job = defs.resolve_implicit_global_asset_job_def()
        keys = [k for k in defs.resolve_asset_graph().get_all_asset_keys() if k != DIM_LEADS]
        story["broken_result"] = job.execute_in_process(
            instance=instance,
            asset_selection=keys,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        hook.received.clear()
        story["broken_tick"], cursor = _tick_alerts(defs, instance, broken, cursor)
        story["after_broken"] = list(hook.received)
        hook.received.clear()
        _tick_alerts(defs, instance, broken, cursor)
        story["after_repeat"] = list(hook.received)

        hook.received.clear()
        tick = datetime.now(UTC) + timedelta(minutes=1)
        digest_schedule = _schedule(defs, "funnel_warning_digest_daily")
        request = digest_schedule(
            build_schedule_context(instance=instance, scheduled_execution_time=tick)
        )
        story["digest_request"] = request
        digest_job = defs.resolve_job_def("funnel_warning_digest")
        story["digest_result"] = digest_job.execute_in_process(
            instance=instance, run_config=request.run_config, raise_on_error=False
        )
        story["digests"] = list(hook.received)
        yield story
    _remove_dbt_targets(story["broken_result"].run_id)


def test_clean_build_sends_no_alert(alert_story) -> None:
    assert alert_story["after_clean"] == []
    assert "1 finished run(s) read, 0 new alert(s)" in alert_story["clean_tick"].skip_message


def _failed_checks(result, severity: str) -> set[str]:
    return {
        e.event_specific_data.check_name
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and not e.event_specific_data.passed
        and e.event_specific_data.severity.value == severity
    }


def test_broken_chain_sends_exactly_one_alert_with_check_count_and_keys(alert_story) -> None:
    result = alert_story["broken_result"]
    assert not result.success, "a failing ERROR test fails dbt build, and so the run"
    errors = _failed_checks(result, "ERROR")
    messages = alert_story["after_broken"]
    assert len(messages) == 1, (errors, [m["title"] for m in messages])
    (message,) = messages
    check = "relationships_fct_lead_score_events_lead_id__lead_id__ref_dim_leads_"
    assert check in message["title"]
    body = message["message"]
    assert "Asset: marts/fct_lead_score_events" in body
    assert "Failing rows: 1" in body
    assert f"Failing keys (sample): {NEW_LEAD}" in body, body
    assert f"/runs/{result.run_id}" in body
    assert message["type"] == "failure"


def test_the_same_failure_is_not_alerted_twice(alert_story) -> None:
    assert alert_story["after_repeat"] == []


def test_warnings_go_out_as_one_daily_digest(alert_story, small_build) -> None:
    assert alert_story["digest_result"].success
    (digest,) = alert_story["digests"]
    assert digest["title"].startswith("[funnel] daily warnings")
    assert digest["type"] == "warning"
    broken_warnings = _failed_checks(alert_story["broken_result"], "WARN")
    assert broken_warnings, "the orphan opportunity warns in staging"
    warnings = broken_warnings | _failed_checks(small_build["result"], "WARN")
    lines = digest["message"].splitlines()
    assert len(lines) == 1 + len(warnings), "one line per warning check"
    for check in warnings:
        assert any(f": {check}:" in line for line in lines), check
    orphan = "relationships_stg_crm__opportunities_lead_id__lead_id__ref_stg_crm__leads_"
    if orphan in warnings:
        line = next(x for x in lines if orphan in x)
        assert "staging/stg_crm__opportunities" in line and ORPHAN_LEAD in line
    assert "relationships_fct_lead_score_events" not in digest["message"], "errors alert apart"
