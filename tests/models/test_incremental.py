"""Incremental builds: the same data loaded as K daily batches, with a build after each, gives
every mart (and every lead-keyed incremental model) exactly what a full refresh over all of it
gives, row for row and value for value; the last batch recomputes only the leads it touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, query, query_df

LEADS = 1_500
SEED = 23
BATCHES = 3
MODELS_DIR = PROJECT_DIR / "models"
# Every incremental model outside the marts (marts are all compared anyway), as schema.name:
# its schema is the top folder under models/ (dbt_project.yml). Lead-keyed models say it through
# the lead_incremental_config macro, the key-incremental staging models in their own config.
INCREMENTAL_MARKERS = ("materialized='incremental'", "lead_incremental_config(")
INCREMENTAL_MODELS = tuple(
    sorted(
        f"{path.relative_to(MODELS_DIR).parts[0]}.{path.stem}"
        for path in MODELS_DIR.rglob("*.sql")
        if any(marker in path.read_text() for marker in INCREMENTAL_MARKERS)
        and path.relative_to(MODELS_DIR).parts[0] != "marts"
    )
)


def test_every_incremental_model_is_compared() -> None:
    assert "intermediate.int_lead_profiles" in INCREMENTAL_MODELS
    assert "staging.base_marketing__activities" in INCREMENTAL_MODELS
    assert len(INCREMENTAL_MODELS) >= 10


def _tables(warehouse: Path) -> list[str]:
    rows = query(
        warehouse,
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in ('marts', 'quality') and table_type = 'BASE TABLE' order by 1",
    )
    return [r[0] for r in rows] + list(INCREMENTAL_MODELS)


def _snapshot(warehouse: Path) -> dict[str, object]:
    return {
        name: query_df(warehouse, f"select * from {name} order by all")
        for name in _tables(warehouse)
    }


def _deliver(source: Path, landing: Path, batch: int) -> None:
    for table_dir in sorted(p for p in source.iterdir() if p.is_dir()):
        for path in table_dir.glob(f"batch_{batch:04d}.*"):
            (landing / table_dir.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, landing / table_dir.name / path.name)


def _dbt_run(root: Path) -> None:
    """Seeds and models only, for the early batches: the tests run in the last build."""
    from orchestration.settings import PROJECT_DIR

    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
            "--quiet",
            "--target-path",
            str(root / "target"),
        ],
        cwd=PROJECT_DIR,
        check=True,
    )


SCOPED_TESTS = (  # one test of each incremental_test_scope (macros/test_scope.sql)
    "unique_fct_lead_score_events_activity_id",
    "unique_stg_marketing__activities_activity_id",
)


def _compiled_tests(root: Path, *extra: str) -> dict[str, str]:
    """The SQL a build runs for SCOPED_TESTS against the warehouse as it is now (the tests
    alone are built: they run, and pass)."""
    from orchestration.settings import PROJECT_DIR

    target = root / "compiled_tests"
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--quiet", "--target-path",
         str(target), "--select", *SCOPED_TESTS, *extra],
        cwd=PROJECT_DIR,
        check=True,
    )  # fmt: skip
    return {name: next(target.rglob(f"{name}.sql")).read_text() for name in SCOPED_TESTS}


def _touched_and_leads(warehouse: Path) -> tuple[int, int]:
    """Leads the build recomputed, and the lead ids it knew (the every-lead case)."""
    return query(
        warehouse,
        "select (select count(*) from control.ctl_leads_touched), "
        "(select count(distinct lead_id) from staging.base_crm__leads)",
    )[0]


@pytest.fixture(scope="module")
def batched_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Batches 1..K-1 loaded and built without tests, batch K with the whole Dagster build (models
    and tests), then a full refresh through Dagster's run config."""
    from dagster import DagsterInstance

    from orchestration.generator import generate
    from orchestration.ingestion.loader import load_landing
    from orchestration.runner.build import build_all
    from orchestration.settings import Settings

    root = tmp_path_factory.mktemp("incremental")
    source, landing = root / "generated", root / "landing"
    generate(LEADS, SEED, source, batches=BATCHES)
    settings = Settings(
        landing_dir=landing, warehouse=root / "funnel.duckdb", dagster_home=root / "dagster"
    )
    settings.export()
    touched = []
    with DagsterInstance.ephemeral() as instance:
        for batch in range(1, BATCHES + 1):
            _deliver(source, landing, batch)
            if batch < BATCHES:
                load_landing(landing, settings.warehouse)
                _dbt_run(root)
            else:
                build_all(settings, instance=instance)
            touched.append(_touched_and_leads(settings.warehouse))
        incremental = _snapshot(settings.warehouse)
        incremental_tests = _compiled_tests(root)
        every_row_tests = _compiled_tests(root, "--vars", "{test_every_row: true}")
        build_all(settings, instance=instance, full_refresh=True)
        full = _snapshot(settings.warehouse)
        full_tests = _compiled_tests(root)
        touched.append(_touched_and_leads(settings.warehouse))
    return {
        "incremental": incremental,
        "full": full,
        "touched": touched,
        "tests": {
            "incremental": incremental_tests,
            "every_row": every_row_tests,
            "full": full_tests,
        },
    }


def test_batched_incremental_builds_equal_a_full_refresh(batched_builds) -> None:
    incremental, full = batched_builds["incremental"], batched_builds["full"]
    assert set(incremental) == set(full)
    assert {"marts.fct_lead_score_events", "marts.fct_lead_funnel", "marts.dim_leads"} <= set(full)
    for name, frame in full.items():
        assert len(frame) > 0 or name.startswith("quality."), f"{name} is empty"
        other = incremental[name]
        assert list(other.columns) == list(frame.columns), name
        assert len(other) == len(frame), f"{name}: {len(other)} rows, full refresh {len(frame)}"
        assert other.equals(frame), f"{name} differs from a full refresh"


def test_later_batches_recompute_only_the_touched_leads(batched_builds) -> None:
    (first, leads_first), *later, (refreshed, leads_all) = batched_builds["touched"]
    assert first == leads_first, "the first build computes every lead"
    assert later and all(0 < touched < leads / 2 for touched, leads in later), later
    assert refreshed == leads_all, "a full refresh computes every lead"


def test_data_tests_of_an_incremental_build_look_at_its_rows_only(batched_builds) -> None:
    incremental, full = batched_builds["tests"]["incremental"], batched_builds["tests"]["full"]
    ledger, staged = SCOPED_TESTS
    # After a daily batch: the ledger's key test reads the touched leads' rows, the staged
    # activities' key test the rows of the activity ids loaded since the watermark.
    assert "ctl_leads_touched" in incremental[ledger]
    assert "previous_loaded_through" in incremental[staged]
    assert "_loaded_at >" in incremental[staged]
    # After a full refresh, or asked to (var test_every_row), every row.
    for tests in (full, batched_builds["tests"]["every_row"]):
        for name in SCOPED_TESTS:
            assert "ctl_leads_touched" not in tests[name]
            assert "previous_loaded_through" not in tests[name]
