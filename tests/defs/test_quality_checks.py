"""Great Expectations asset checks on the marts: the clean build ran them and they pass; a broken
chain injected after the build fails the matching check with exactly the offending keys; a
mart that loses 60% of its rows warns; the runner on a tiny frame.

Every break is made in a copy of the session warehouse, never in the session warehouse itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import query
from dagster import AssetCheckResult, AssetCheckSeverity, build_asset_check_context

from orchestration.defs.checks import ASSET_CHECKS, DRIFT_CHECK, SUITE_CHECK, asset_key, evaluate
from orchestration.defs.resources import WarehouseResource
from orchestration.quality.runner import NULL_KEY, run_rules, select_sql
from orchestration.quality.suites import (
    SUITES,
    SUITES_BY_MART,
    TOLERANCE_ENV,
    in_range,
    not_before,
    row_count_rule,
    unique_key,
)
from orchestration.quality.warehouse import ROW_COUNTS


def copy_of(built: dict[str, Path], tmp_path: Path) -> Path:
    target = tmp_path / "copy.duckdb"
    shutil.copyfile(built["warehouse"], target)
    wal = built["warehouse"].with_name(built["warehouse"].name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def execute(warehouse: Path, *statements: str) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def checks_of(mart: str, warehouse: Path) -> dict[str, AssetCheckResult]:
    return {r.check_name: r for r in evaluate(SUITES_BY_MART[mart], warehouse, run_id="test")}


def value(result: AssetCheckResult, name: str) -> object:
    return result.metadata[name].value


def test_every_guarded_mart_has_both_non_blocking_checks() -> None:
    specs = {(spec.asset_key, spec.name): spec for c in ASSET_CHECKS for spec in c.check_specs}
    assert len(specs) == 2 * len(SUITES)
    for suite in SUITES:
        for name in (SUITE_CHECK, DRIFT_CHECK):
            assert not specs[(asset_key(suite), name)].blocking


def test_loading_the_checks_does_not_import_great_expectations() -> None:
    # The import takes ~10 s; the code location (and every test importing it) must load fast.
    code = "import sys, orchestration.defs.checks; sys.exit('great_expectations' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_clean_build_ran_the_checks_and_every_one_passes(built_warehouse, tmp_path) -> None:
    warehouse = built_warehouse["warehouse"]
    # The build's own evaluation recorded each mart's row count after dbt built it.
    recorded = dict(
        query(warehouse, f"select mart, row_count from {ROW_COUNTS} order by recorded_at")
    )
    assert set(recorded) == set(SUITES_BY_MART)
    for mart, rows in recorded.items():
        assert query(warehouse, f"select count(*) from marts.{mart}") == [(rows,)]

    copy = copy_of(built_warehouse, tmp_path)
    for suite in SUITES:
        results = checks_of(suite.mart, copy)
        for name, result in results.items():
            assert result.passed, (suite.mart, name, result.description)
            assert value(result, "failing_rows") == 0
            assert value(result, "sample_failing_keys") == []
            assert value(result, "expectations_failed") == 0
        assert value(results[SUITE_CHECK], "expectations_evaluated") == len(suite.rules)
        assert results[SUITE_CHECK].severity == AssetCheckSeverity.ERROR
        assert value(results[DRIFT_CHECK], "previous_row_count") == recorded[suite.mart]


def test_broken_chain_fails_the_matching_check_with_the_offending_keys(
    built_warehouse, tmp_path
) -> None:
    copy = copy_of(built_warehouse, tmp_path)
    ((lead,),) = query(
        copy,
        "select lead_id from marts.fct_lead_funnel "
        "where first_mql_at is not null order by lead_id limit 1",
    )
    duplicated, out_of_range = (
        row[0]
        for row in query(
            copy, "select activity_id from marts.fct_lead_score_events order by activity_id limit 2"
        )
    )
    execute(
        copy,
        "update marts.fct_lead_funnel set first_mql_at = created_at - interval 1 day "
        f"where lead_id = '{lead}'",
        "insert into marts.fct_lead_score_events select * from marts.fct_lead_score_events "
        f"where activity_id = '{duplicated}'",
        f"update marts.fct_lead_score_events set lead_score = 130 "
        f"where activity_id = '{out_of_range}'",
    )

    funnel = checks_of("fct_lead_funnel", copy)[SUITE_CHECK]
    assert not funnel.passed and funnel.severity == AssetCheckSeverity.ERROR
    assert value(funnel, "sample_failing_keys") == [lead]
    assert value(funnel, "failing_rows") == 1
    assert value(funnel, "failed_expectations") == ["first_mql_at >= created_at"]

    # Through the Dagster check definition itself, with the resource pointing at the copy.
    check = next(c for c in ASSET_CHECKS if c.node_def.name == "ge_fct_lead_score_events")
    context = build_asset_check_context(
        resources={"warehouse": WarehouseResource(warehouse=str(copy))}
    )
    scores = {r.check_name: r for r in check(context)}
    events = scores[SUITE_CHECK]
    assert not events.passed and events.severity == AssetCheckSeverity.ERROR
    assert value(events, "sample_failing_keys") == sorted([duplicated, out_of_range])
    assert value(events, "failing_rows") == 3  # both copies of the duplicate, one bad score
    assert value(events, "failed_expectations") == ["activity_id unique", "lead_score in [0, 100]"]
    assert scores[DRIFT_CHECK].passed  # one extra row is no drift

    assert checks_of("dim_leads", copy)[SUITE_CHECK].passed  # the other marts are untouched


def test_row_count_drift_warns_once_then_the_baseline_moves(built_warehouse, tmp_path) -> None:
    copy = copy_of(built_warehouse, tmp_path)
    ((before,),) = query(copy, "select count(*) from marts.fct_mql_events")
    dropped = int(before * 0.6)
    execute(
        copy,
        "delete from marts.fct_mql_events where mql_id in "
        f"(select mql_id from marts.fct_mql_events order by mql_id limit {dropped})",
    )

    results = checks_of("fct_mql_events", copy)
    drift = results[DRIFT_CHECK]
    assert not drift.passed and drift.severity == AssetCheckSeverity.WARN
    assert value(drift, "previous_row_count") == before
    assert value(drift, "row_count") == before - dropped
    assert value(drift, "change") == pytest.approx(-dropped / before)
    assert results[SUITE_CHECK].passed  # fewer rows, but every remaining one is right

    # The count is recorded even when it warns: the next build compares with it.
    assert checks_of("fct_mql_events", copy)[DRIFT_CHECK].passed
    # No baseline at all (a new warehouse): the first build passes.
    execute(copy, f"drop table {ROW_COUNTS}")
    first = checks_of("fct_mql_events", copy)[DRIFT_CHECK]
    assert first.passed and value(first, "previous_row_count") is None


def test_tolerance_bounds_and_override(monkeypatch) -> None:
    assert row_count_rule(1000, 0.5).kwargs == {"min_value": 500, "max_value": 1500}
    assert row_count_rule(3, 0.5).kwargs == {"min_value": 2, "max_value": 4}
    suite = SUITES_BY_MART["dim_leads"]
    assert suite.tolerance() == 0.5
    monkeypatch.setenv(TOLERANCE_ENV, "0.8")
    assert suite.tolerance() == 0.8


def test_suites_read_only_their_columns() -> None:
    suite = SUITES_BY_MART["fct_lead_funnel"]
    assert suite.columns[0] == "lead_id" and len(suite.columns) == len(set(suite.columns))
    assert select_sql(suite).startswith('select "lead_id", "first_mql_at", "created_at"')
    assert "*" not in select_sql(suite)


def test_runner_on_a_tiny_frame() -> None:
    frame = pd.DataFrame(
        {
            "k": ["a", "b", "c", "c", None],
            "part": ["x", "x", "y", "y", "z"],
            "score": [1.0, 130.0, 3.0, None, 5.0],
            "start": pd.to_datetime(["2024-01-01", "2024-01-02", None, "2024-01-01", "2024-01-01"]),
            "end": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-01", None, "2024-01-01"]),
        }
    )
    rules = (
        *unique_key("k"),
        *in_range(0, 100, "score"),
        not_before("end", "start"),
        *unique_key("k", "part"),
        *in_range(0, 100, "missing_column"),
    )
    result = run_rules("tiny", rules, frame, key=("k", "part"))
    outcomes = {o.label: o for o in result.outcomes}

    assert not result.success
    assert outcomes["k not null"].failing_keys == (f"{NULL_KEY} | z",)
    assert outcomes["k unique"].failing_keys == ("c | y",)
    assert outcomes["k unique"].unexpected_count == 2
    assert outcomes["score in [0, 100]"].failing_keys == ("b | x",)  # the null score is ignored
    assert outcomes["end >= start"].failing_keys == ("b | x",)  # rows with a null are ignored
    assert outcomes["(k, part) unique"].failing_keys == ("c | y",)
    assert "does not exist" in (outcomes["missing_column in [0, 100]"].error or "")
    assert result.failing_rows == 1 + 2 + 1 + 1 + 2
    assert result.sample_failing_keys() == sorted(["b | x", "c | y", f"{NULL_KEY} | z"])
    assert "0/6 expectations passed on 5 rows" in result.summary()

    clean = run_rules("tiny", in_range(0, 200, "score"), frame, key=("k",))
    assert clean.success and clean.failing_rows == 0 and clean.sample_failing_keys() == []
