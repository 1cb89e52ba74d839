"""End to end: a second build over the same landing zone loads nothing and changes no mart, and
a dirty landing zone loads with every row accounted for (rows in = loaded + rejected, per file)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import query, query_df

from orchestration.generator import generate
from orchestration.ingestion.contract import TABLES
from orchestration.ingestion.loader import load_landing

MARTS = {
    "dim_leads": "lead_id",
    "fct_lead_score_events": "activity_id",
    "fct_mql_events": "mql_id",
    "rpt_mql_definition_backtest": "definition_version, channel",
}


def snapshot(warehouse: Path) -> dict[str, object]:
    return {
        name: query_df(warehouse, f"select * from marts.{name} order by {key}")
        for name, key in MARTS.items()
    }


def test_rebuild_loads_nothing_and_leaves_marts_identical(built_warehouse) -> None:
    from dagster import DagsterInstance

    from orchestration.runner.build import build_all
    from orchestration.settings import Settings

    warehouse = built_warehouse["warehouse"]
    before = snapshot(warehouse)
    manifest_before = query(warehouse, "select * from raw._load_manifest order by source_file")
    assert all(len(frame) > 0 for frame in before.values())

    settings = Settings(
        landing_dir=built_warehouse["landing"],
        warehouse=warehouse,
        dagster_home=built_warehouse["root"] / "dagster",
    )
    with DagsterInstance.ephemeral() as instance:
        result = build_all(settings, instance=instance)
    loaded = [
        event.event_specific_data.materialization.metadata["files_loaded"].value
        for event in result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION" and event.asset_key.path[0] == "raw"
    ]
    assert len(loaded) == len(TABLES) and not any(loaded), "the second run must load nothing"
    assert query(warehouse, "select * from raw._load_manifest order by source_file") == (
        manifest_before
    )
    after = snapshot(warehouse)
    for name, frame in before.items():
        assert frame.equals(after[name]), f"marts.{name} changed on a rebuild"


def _rows_in(path: Path) -> int:
    """Counted without the loader: parquet from its footer, CSV as non-empty lines less the
    header (the generator writes no embedded newlines)."""
    if path.suffix == ".parquet":
        return pq.read_metadata(path).num_rows
    lines = path.read_text().splitlines()
    return sum(1 for line in lines[1:] if line.strip())


@pytest.fixture(scope="module")
def dirty_load(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("dirty")
    landing = root / "landing"
    manifest = generate(1_200, 11, landing, dirty=True)
    warehouse = root / "dirty.duckdb"
    report = load_landing(landing, warehouse)
    return {"landing": landing, "warehouse": warehouse, "manifest": manifest, "report": report}


def test_dirty_files_rows_in_equal_loaded_plus_rejected(dirty_load) -> None:
    landing, warehouse = dirty_load["landing"], dirty_load["warehouse"]
    files = sorted(p for p in landing.glob("*/*") if p.suffix in {".csv", ".parquet"})
    assert any(p.name.startswith("dirty_") for p in files)
    for path in files:
        table = path.parent.name
        relative = str(path.relative_to(landing))
        (loaded,) = query(
            warehouse, f"select count(*) from raw.{table} where _source_file = ?", [relative]
        )[0]
        (rejected,) = query(
            warehouse, "select count(*) from raw._load_rejects where source_file = ?", [relative]
        )[0]
        assert loaded + rejected == _rows_in(path), relative
    (total_rejected,) = query(warehouse, "select count(*) from raw._load_rejects")[0]
    assert total_rejected == dirty_load["report"].rows_rejected > 0


def test_every_parse_level_bad_row_is_rejected_at_its_line(dirty_load) -> None:
    warehouse = dirty_load["warehouse"]
    rejects = {
        (file, line): reason
        for file, line, reason in query(
            warehouse, "select source_file, source_line, reason from raw._load_rejects"
        )
    }
    parse_kinds = [
        kind
        for kind in dirty_load["manifest"]["dirty_rows"]
        if kind.startswith(("unparseable_", "malformed_"))
    ]
    assert len(parse_kinds) >= 4
    for kind in parse_kinds:
        for where in dirty_load["manifest"]["dirty_rows"][kind]["rows"]:
            assert (where["file"], where["line"]) in rejects, f"{kind} at {where} not rejected"


def test_generator_manifest_is_written_beside_the_tables(dirty_load) -> None:
    written = json.loads((dirty_load["landing"] / "_generator_manifest.json").read_text())
    assert written["rows"] == dirty_load["manifest"]["rows"]
    assert set(written["rows"]) == set(TABLES)


def test_views_cut_at_the_as_of_time_hold_this_builds_as_of_as_a_constant(built_warehouse) -> None:
    """A build writes ctl_as_of's value into the views that cut history at the as-of time (macro
    as_of_timestamp), not a subquery, so that DuckDB estimates their rows right and builds its hash
    tables on the touched leads; the constant is the as-of time of that build."""
    warehouse = built_warehouse["warehouse"]
    (as_of_at,) = query(warehouse, "select as_of_at from control.ctl_as_of")[0]
    views = dict(
        query(
            warehouse,
            "select view_name, sql from duckdb_views() where schema_name = 'intermediate' "
            "and view_name in ('int_activities_resolved', 'int_lead_status_changes_resolved', "
            "'int_opportunities_resolved')",
        )
    )
    assert sorted(views) == [
        "int_activities_resolved",
        "int_lead_status_changes_resolved",
        "int_opportunities_resolved",
    ]
    constant = f"CAST('{as_of_at:%Y-%m-%d %H:%M:%S}.{as_of_at:%f}' AS TIMESTAMP)"
    for name, sql in views.items():
        assert "ctl_as_of" not in sql, name
        assert constant in sql, name
