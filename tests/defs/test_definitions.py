"""The Dagster code location loads, and the dbt command line is what we expect."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from dagster import AssetKey

from orchestration.defs.dbt_project import dbt_build_args
from orchestration.runner.build import manifest_is_stale, prepare_manifest
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
    # Publishing waits for every dbt node: a failed one skips it (nothing half-built published).
    published = graph.get(AssetKey(["serving", "published_snapshot"]))
    dbt_keys = {key for key in keys if key.path[0] not in ("raw", "serving")} - {
        AssetKey(["marts", "funnel_summary"])
    }
    assert dbt_keys and dbt_keys <= set(published.parent_keys)


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


def test_the_published_snapshot_sits_beside_the_warehouse_unless_set(monkeypatch) -> None:
    monkeypatch.delenv("FUNNEL_PUBLISHED", raising=False)
    monkeypatch.setenv("FUNNEL_WAREHOUSE", "/tmp/elsewhere/acme.duckdb")
    settings = Settings.from_env()
    assert settings.published == Path("/tmp/elsewhere/published/acme.duckdb")
    settings.export()
    assert "FUNNEL_PUBLISHED" not in os.environ, "the default follows FUNNEL_WAREHOUSE"
    monkeypatch.setenv("FUNNEL_PUBLISHED", "serving/bi.duckdb")
    moved = Settings.from_env()
    assert moved.published == resolve_path("serving/bi.duckdb")
    moved.export()
    assert os.environ["FUNNEL_PUBLISHED"] == str(resolve_path("serving/bi.duckdb"))


def test_old_per_run_dbt_targets_are_pruned_but_not_a_running_one(tmp_path: Path) -> None:
    from orchestration.defs.dbt_project import RUN_TARGET_PREFIX, prune_run_targets

    old = time.time() - 7200
    for index in range(8):
        folder = tmp_path / f"{RUN_TARGET_PREFIX}{index:07d}-x"
        folder.mkdir()
        (folder / "dbt.log").write_text("log")
        os.utime(folder / "dbt.log", (old + index, old + index))
    running = []
    for name in ("running-a", "running-b"):  # still being written: kept whatever `keep` is
        folder = tmp_path / f"{RUN_TARGET_PREFIX}{name}"
        folder.mkdir()
        (folder / "dbt.log").write_text("log")
        running.append(folder.name)
    (tmp_path / "manifest.json").write_text("{}")
    assert prune_run_targets(tmp_path, keep=3) == 7
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["manifest.json", *running, f"{RUN_TARGET_PREFIX}0000007-x"])
    assert prune_run_targets(tmp_path, keep=1) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["manifest.json", *running])


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
