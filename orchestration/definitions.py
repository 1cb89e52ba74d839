"""The Dagster code location (`dagster dev -m orchestration.definitions`): the one module that
assembles the parts in orchestration/defs/ (assets, checks, jobs, schedules, sensors,
resources)."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from orchestration.defs.assets import funnel_dbt_assets, load_landing, published_snapshot
from orchestration.defs.checks import ASSET_CHECKS
from orchestration.defs.jobs import funnel_refresh_job, warning_digest_job
from orchestration.defs.resources import build_resources
from orchestration.defs.schedules import build_schedules
from orchestration.defs.sensors import build_sensors
from orchestration.defs.summary import funnel_summary

defs = Definitions(
    assets=[load_landing, funnel_dbt_assets, published_snapshot, funnel_summary],
    asset_checks=ASSET_CHECKS,
    jobs=[funnel_refresh_job, warning_digest_job],
    schedules=build_schedules(),
    sensors=build_sensors(),
    resources=build_resources(),
    executor=in_process_executor,
)
