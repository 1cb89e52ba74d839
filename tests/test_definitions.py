"""The Dagster code location loads, and the dbt command line is what we expect."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from dagster import AssetKey

from orchestration.build import manifest_is_stale, prepare_manifest
from orchestration.dbt_project import dbt_build_args
from orchestration.settings import Settings, resolve_path


def test_build_args_are_one_dbt_build() -> None:
    plain = ["build", "--exclude-resource-type", "unit_test"]
    assert dbt_build_args() == plain
    assert dbt_build_args(full_refresh=True) == [*plain, "--full-refresh"]
    args = dbt_build_args(dbt_vars={"as_of": "2026-01-01 00:00:00"})
    assert args[: len(plain) + 1] == [*plain, "--vars"]
    assert json.loads(args[len(plain) + 1]) == {"as_of": "2026-01-01 00:00:00"}


def test_definitions_load_with_landing_and_dbt_assets() -> None:
    prepare_manifest()
    from orchestration.definitions import defs

    keys = {key for key in defs.resolve_asset_graph().get_all_asset_keys()}
    for table in ("leads", "activities", "lead_status_history", "opportunities"):
        assert AssetKey(["raw", table]) in keys
    # dbt nodes are keyed <schema>/<name>, as they sit in the warehouse.
    for key in (
        "staging/stg_crm__leads",
        "marts/fct_lead_score_events",
        "marts/fct_mql_events",
        "marts/dim_leads",
        "config/mql_definitions",
    ):
        assert AssetKey.from_user_string(key) in keys
    graph = defs.resolve_asset_graph()
    staging = graph.get(AssetKey(["staging", "base_crm__leads"]))
    assert staging.group_name == "staging"
    assert AssetKey(["raw", "leads"]) in staging.parent_keys
    assert graph.get(AssetKey(["marts", "dim_leads"])).group_name == "marts"
    assert graph.get(AssetKey(["config", "fit_rules"])).group_name == "config"
    checks = {check.asset_key for check in graph.asset_check_keys}
    assert AssetKey(["marts", "dim_leads"]) in checks, "dbt tests must surface as asset checks"


def test_settings_resolve_relative_paths_against_the_project(monkeypatch) -> None:
    monkeypatch.setenv("FUNNEL_WAREHOUSE", "somewhere/else.duckdb")
    monkeypatch.delenv("FUNNEL_LANDING_DIR", raising=False)
    settings = Settings.from_env()
    assert settings.warehouse == resolve_path("somewhere/else.duckdb")
    assert settings.warehouse.is_absolute()
    assert settings.landing_dir.name == "landing"
    absolute = Path("/tmp/elsewhere/funnel.duckdb")
    monkeypatch.setenv("FUNNEL_WAREHOUSE", str(absolute))
    assert Settings.from_env().warehouse == absolute


def test_manifest_staleness_follows_dbt_inputs(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "m.sql"
    model.write_text("select 1")
    manifest = tmp_path / "manifest.json"
    assert manifest_is_stale(manifest, tmp_path)
    manifest.write_text("{}")
    past = time.time() - 60
    os.utime(model, (past, past))
    assert not manifest_is_stale(manifest, tmp_path)
    model.write_text("select 2")
    assert manifest_is_stale(manifest, tmp_path)
