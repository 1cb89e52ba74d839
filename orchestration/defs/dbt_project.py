"""The one dbt project Dagster builds, and how its nodes map onto Dagster assets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from orchestration.settings import PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
DBT_PROJECT.prepare_if_dev()

LAYERS = ("staging", "intermediate", "marts")
LANDING_SOURCES = ("crm", "marketing")  # the landing contract's dbt sources, schema raw


def raw_asset_key(table: str) -> AssetKey:
    """The load asset of a raw table as the loader names it: ``leads`` (the landing contract)
    is ``raw/leads``, ``salesforce.lead`` (a source system's table) ``raw_salesforce/lead``."""
    system, _, name = table.rpartition(".")
    return AssetKey([f"raw_{system}" if system else "raw", name])


class FunnelDbtTranslator(DagsterDbtTranslator):
    """Sources become the landing-load assets (``raw/<table>``, a source system's
    ``raw_<system>/<table>``) so the loader sits upstream of staging in one graph; models are
    grouped by layer folder; seeds form a ``config`` group."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            source, name = dbt_resource_props["source_name"], dbt_resource_props["name"]
            return raw_asset_key(name if source in LANDING_SOURCES else f"{source}.{name}")
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "config"
        fqn = dbt_resource_props.get("fqn", [])
        for layer in LAYERS:
            if layer in fqn:
                return layer
        return "dbt_other"


TRANSLATOR = FunnelDbtTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=True, enable_source_tests_as_checks=True
    )
)


def dbt_build_args(
    *, full_refresh: bool = False, dbt_vars: Mapping[str, Any] | None = None
) -> list[str]:
    """The dbt command line of a build, kept pure so it can be unit-tested.

    One ``dbt build`` (models, seeds, tests in DAG order) instead of several commands: each dbt
    start costs about five seconds. Unit tests are left out, as dbt advises for production
    runs: their inputs are fixed rows, so they run in ``make test``
    (tests/models/test_dbt_unit_tests.py), not in every scheduled build.
    """
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    if dbt_vars:
        args += ["--vars", json.dumps(dict(dbt_vars), sort_keys=True)]
    return args


RUN_TARGET_PREFIX = "funnel_dbt_assets-"  # dagster-dbt's target folder per run: <op>-<run>-<hash>


def prune_run_targets(target_dir: Path, *, keep: int = 5, idle_seconds: float = 3600) -> int:
    """Removes old per-run target folders: dagster-dbt writes one per run (manifest, compiled SQL,
    logs: about 10 MB here) and never removes them. Keeps the `keep` newest, and any folder
    written to within `idle_seconds` (a run still going). Returns how many were removed."""
    import shutil
    import time

    def last_write(folder: Path) -> float:
        return max((p.stat().st_mtime for p in folder.iterdir()), default=folder.stat().st_mtime)

    folders = sorted(
        (p for p in target_dir.glob(RUN_TARGET_PREFIX + "*") if p.is_dir()),
        key=last_write,
        reverse=True,
    )
    removed = 0
    now = time.time()
    for folder in folders[keep:]:
        try:
            if now - last_write(folder) < idle_seconds:
                continue
            shutil.rmtree(folder)
        except OSError:
            continue  # another process removed it first, or is still writing it
        removed += 1
    return removed
