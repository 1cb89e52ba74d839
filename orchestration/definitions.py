"""The Dagster code location: a thin merge of the modules that each hold one concern."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from orchestration.assets import funnel_dbt_assets, load_landing, published_snapshot
from orchestration.checks import ASSET_CHECKS
from orchestration.orchestration_defs import JOBS, SCHEDULES, SENSORS, SUMMARY_ASSETS
from orchestration.resources import build_resources

defs = Definitions(
    assets=[load_landing, funnel_dbt_assets, published_snapshot, *SUMMARY_ASSETS],
    asset_checks=ASSET_CHECKS,
    jobs=JOBS,
    schedules=SCHEDULES,
    sensors=SENSORS,
    resources=build_resources(),
    executor=in_process_executor,
)
