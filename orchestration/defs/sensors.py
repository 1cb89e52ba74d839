"""Sensors: new landing files trigger a build of what they feed, and failures raise alerts."""

import hashlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path

import duckdb
from dagster import (
    AssetKey,
    AssetSelection,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.alerting.alerts import Alert, alert_urls, plan_run_alerts, send_alert
from orchestration.alerting.failing_keys import with_sample_keys
from orchestration.alerting.run_history import (
    RunCursor,
    finished_run,
    newly_finished_run_ids,
    runs_in_progress,
)
from orchestration.defs.dbt_project import raw_asset_key
from orchestration.defs.jobs import DIGEST_JOB_NAME, funnel_refresh_job
from orchestration.defs.resources import WarehouseResource
from orchestration.ingestion.loader import not_loadable, not_loadable_warning, pending_files
from orchestration.runner.stale_runs import fail_stale_runs
from orchestration.settings import Settings, resolve_path

POLL_SECONDS_ENV = "FUNNEL_LANDING_POLL_SECONDS"
ALERT_LOOK_BACK_SECONDS = 24 * 3600
MAX_ALERT_ATTEMPTS = 5
MAX_PENDING_ALERTS = 50


def resolved_paths(resource: WarehouseResource) -> Settings:
    """The resource's paths without WarehouseResource.settings()'s export: a sensor tick runs
    in the long-lived code-location process and must not rewrite its environment."""
    env = Settings.from_env()
    return Settings(
        landing_dir=resolve_path(resource.landing_dir) if resource.landing_dir else env.landing_dir,
        warehouse=resolve_path(resource.warehouse) if resource.warehouse else env.warehouse,
        dagster_home=env.dagster_home,
        sources=env.sources,
    )


# ---------------------------------------------------------------------------------------------
# Landing zone
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LandingPlan:
    """What one tick requests: the new files per table, the run key of that file set, and the
    cursor to store (every file still pending -> its signature)."""

    new_files: dict[str, list[str]]
    run_key: str | None
    cursor: dict[str, list[int]]


def file_signature(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_mtime_ns, stat.st_size]


def plan_landing(
    pending: Mapping[str, Sequence[Path]],
    requested: Mapping[str, Sequence[int]],
    landing_dir: Path,
) -> LandingPlan:
    """Pure: which pending files were not requested yet (same path, mtime and size never count
    twice; a rewritten file, which the load would reject anyway, counts as new). Files that
    left the pending set (loaded) drop out of the cursor, so it stays small."""
    cursor: dict[str, list[int]] = {}
    new_files: dict[str, list[str]] = {}
    for table, paths in sorted(pending.items()):
        for path in paths:
            rel = path.relative_to(landing_dir).as_posix()
            signature = file_signature(path)
            cursor[rel] = signature
            if list(requested.get(rel, [])) != signature:
                new_files.setdefault(table, []).append(rel)
    run_key = None
    if new_files:
        names = sorted(
            f"{rel}@{cursor[rel][0]}:{cursor[rel][1]}" for f in new_files.values() for rel in f
        )
        run_key = "landing-" + hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    return LandingPlan(new_files=new_files, run_key=run_key, cursor=cursor)


def landing_selection(context: SensorEvaluationContext, tables: Sequence[str]) -> list[AssetKey]:
    """The raw/<table> loads of the tables with new files and every asset downstream of them,
    and every incremental model with what depends on it: the build records the next watermark
    only when all of them ran (macros/control.sql), since the watermark covers every table."""
    if context.repository_def is None:
        raise ValueError("the landing sensor needs its Definitions to resolve the selection")
    graph = context.repository_def.asset_graph
    # A source system's files are loaded only when FUNNEL_SOURCES names it (then it has assets).
    keys = [key for key in map(raw_asset_key, tables) if graph.has(key)]
    selection = AssetSelection.assets(*keys, *incremental_model_keys()).downstream()
    return sorted(selection.resolve(context.repository_def.asset_graph), key=lambda k: k.path)


@cache
def incremental_model_keys() -> tuple[AssetKey, ...]:
    """The asset keys of the project's incremental dbt models, read from the manifest once (the
    code location loads the same manifest once, for the dbt assets)."""
    from orchestration.defs.dbt_project import DBT_PROJECT, TRANSLATOR

    nodes = json.loads(DBT_PROJECT.manifest_path.read_text())["nodes"].values()
    return tuple(
        TRANSLATOR.get_asset_key(node)
        for node in nodes
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )


def _poll_seconds() -> int:
    return int(os.environ.get(POLL_SECONDS_ENV) or 60)


@sensor(
    name="funnel_landing_sensor",
    job=funnel_refresh_job,
    minimum_interval_seconds=_poll_seconds(),
    default_status=DefaultSensorStatus.STOPPED,
    description="A new landing file triggers a run that loads its table and builds downstream.",
)
def funnel_landing_sensor(
    context: SensorEvaluationContext, warehouse: WarehouseResource
) -> SensorResult | SkipReason:
    fail_stale_runs(context.instance, ignore_jobs=(DIGEST_JOB_NAME,))
    busy = runs_in_progress(context.instance, ignore_jobs=[DIGEST_JOB_NAME])
    if busy:
        return SkipReason(f"a build is in progress ({busy[0]}); new files wait for the next tick")
    paths = resolved_paths(warehouse)
    try:
        pending = pending_files(paths.landing_dir, paths.warehouse)
    except duckdb.Error as error:
        # DuckDB has one writer: while a build (maybe outside Dagster) holds the warehouse, even
        # a read-only open fails. Not an error: the next tick looks again.
        return SkipReason(f"warehouse {paths.warehouse} is locked by a running build: {error}")
    requested = json.loads(context.cursor) if context.cursor else {}
    plan = plan_landing(pending, requested, paths.landing_dir)
    unknown = not_loadable(paths.landing_dir)
    if unknown:  # a misspelt folder (`lead/`) is never loaded: say so on every tick
        context.log.warning(not_loadable_warning(unknown))
    if not plan.new_files:
        skip = "no new landing files" + (f"; {not_loadable_warning(unknown)}" if unknown else "")
        return SensorResult(skip_reason=SkipReason(skip), cursor=json.dumps(plan.cursor))
    files = [rel for rels in plan.new_files.values() for rel in rels]
    request = RunRequest(
        run_key=plan.run_key,
        asset_selection=landing_selection(context, sorted(plan.new_files)),
        tags={"funnel/trigger": "landing_sensor", "funnel/files": ",".join(files)[:1000]},
    )
    context.log.info(f"requesting a build for {len(files)} new file(s): {', '.join(files)[:500]}")
    return SensorResult(run_requests=[request], cursor=json.dumps(plan.cursor, sort_keys=True))


# ---------------------------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertState:
    """The alert sensor's cursor: the run-status position and alerts whose delivery failed,
    kept for a few more ticks so a webhook that is down for a minute loses nothing."""

    runs: RunCursor
    pending: list[dict]

    @classmethod
    def parse(cls, text: str | None) -> "AlertState":
        data = json.loads(text) if text else {}
        return cls(
            runs=RunCursor.parse(json.dumps(data.get("runs", {}))), pending=data.get("pending", [])
        )

    def dumps(self) -> str:
        return json.dumps({"runs": json.loads(self.runs.dumps()), "pending": self.pending})


@sensor(
    name="funnel_alerts",
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "One alert per failed ERROR-severity check and per otherwise unexplained run failure "
        "of every finished run (daemon or in-process), through Apprise (FUNNEL_ALERT_URLS)."
    ),
)
def funnel_alerts(context: SensorEvaluationContext, warehouse: WarehouseResource) -> SkipReason:
    state = AlertState.parse(context.cursor)
    run_ids, runs_cursor = newly_finished_run_ids(
        context.instance, state.runs, first_look_back_from=time.time() - ALERT_LOOK_BACK_SECONDS
    )
    retries = [
        (Alert(**{**a["alert"], "run_ids": tuple(a["alert"]["run_ids"])}), a["attempts"])
        for a in state.pending
    ]
    fresh: list[tuple[Alert, int]] = []
    warehouse_path = resolved_paths(warehouse).warehouse
    for run_id in run_ids:
        run = finished_run(context.instance, run_id)
        if run is None:
            continue
        cache: dict = {}
        failures = tuple(
            with_sample_keys(f, warehouse_path, cache=cache) if f.severity == "ERROR" else f
            for f in run.check_failures
        )
        fresh += [(alert, 0) for alert in plan_run_alerts(replace(run, check_failures=failures))]
    urls = alert_urls()
    still_pending = []
    for alert, attempts in retries + fresh:
        if not send_alert(alert, urls, log=context.log) and attempts + 1 < MAX_ALERT_ATTEMPTS:
            still_pending.append({"alert": asdict(alert), "attempts": attempts + 1})
    context.update_cursor(AlertState(runs_cursor, still_pending[-MAX_PENDING_ALERTS:]).dumps())
    return SkipReason(
        f"{len(run_ids)} finished run(s) read, {len(fresh)} new alert(s), "
        f"{len(still_pending)} awaiting redelivery"
    )


def build_sensors() -> list:
    return [funnel_landing_sensor, funnel_alerts]
