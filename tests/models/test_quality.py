"""Data quality end to end: a dirty landing zone builds, every kind of bad row the generator
injects is quarantined (or rejected at load) with its reason, the reconciliation holds; a broken
chain injected after a build fails the matching dbt test, with the offending keys."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import query, run_dbt

# generator kind -> (quarantine table, reason codes that may catch it)
QUARANTINED = {
    "null_lead_id": ("leads", {"null_key"}),
    "duplicate_lead_id": ("leads", {"duplicate_key", "duplicate_row"}),
    "null_activity_id": ("activities", {"null_key"}),
    "duplicate_activity_id": ("activities", {"duplicate_key", "duplicate_row"}),
    "unknown_activity_type": ("activities", {"unknown_activity_type"}),
    "future_timestamp": ("activities", {"future_timestamp"}),
    "activity_before_lead": ("activities", {"before_lead_created"}),
    "null_opportunity_id": ("opportunities", {"null_key"}),
    "negative_opportunity_amount": ("opportunities", {"negative_amount"}),
    "orphan_opportunity": ("opportunities", {"orphan_opportunity"}),
    "won_without_amount": ("opportunities", {"won_without_amount"}),
    "stage_regression": ("opportunity_stage_history", {"stage_regression"}),
    "negative_spend_amount": ("campaign_spend", {"negative_amount"}),
}
REJECTED_AT_LOAD = ("unparseable_", "malformed_")


@pytest.fixture(scope="module")
def dirty_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from dagster import DagsterInstance

    from orchestration.generator import generate
    from orchestration.runner.build import build_all
    from orchestration.settings import Settings

    root = tmp_path_factory.mktemp("dirty_build")
    manifest = generate(4_000, 23, root / "landing", dirty=True)
    settings = Settings(root / "landing", root / "dirty.duckdb", root / "dagster")
    with DagsterInstance.ephemeral() as instance:
        result = build_all(settings, instance=instance)
    return {"manifest": manifest, "warehouse": settings.warehouse, "result": result}


def test_dirty_build_passes_every_error_check(dirty_build) -> None:
    failed = [
        event.event_specific_data
        for event in dirty_build["result"].all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
        and not event.event_specific_data.passed
        and event.event_specific_data.severity.value == "ERROR"
    ]
    assert failed == [], [f.check_name for f in failed]


def test_every_injected_kind_is_caught_with_its_reason(dirty_build) -> None:
    warehouse = dirty_build["warehouse"]
    kinds = dirty_build["manifest"]["dirty_rows"]
    assert set(QUARANTINED) | {k for k in kinds if k.startswith(REJECTED_AT_LOAD)} == set(kinds)
    for kind, (table, reasons) in QUARANTINED.items():
        for where in kinds[kind]["rows"]:
            found = query(
                warehouse,
                f"select reason_code from quality.quarantine_{table} "
                "where source_file = ? and source_line = ?",
                [where["file"], where["line"]],
            )
            assert found, f"{kind} at {where} is not in quality.quarantine_{table}"
            assert found[0][0] in reasons, (kind, where, found)
    for kind in (k for k in kinds if k.startswith(REJECTED_AT_LOAD)):
        for where in kinds[kind]["rows"]:
            found = query(
                warehouse,
                "select reason from raw._load_rejects where source_file = ? and source_line = ?",
                [where["file"], where["line"]],
            )
            assert found, f"{kind} at {where} was not rejected at load"


def test_reconciliation_holds_on_dirty_data(dirty_build) -> None:
    rows = query(
        dirty_build["warehouse"],
        "select raw_table, raw_rows, accepted_rows + merged_away_rows + deleted_rows "
        "+ quarantined_rows + superseded_rows, quarantined_rows, is_reconciled "
        "from quality.rpt_reconciliation order by raw_table",
    )
    assert len(rows) == 8
    for table, raw, accounted, _quarantined, ok in rows:
        assert raw == accounted and ok, table
    assert sum(row[3] for row in rows) >= len(QUARANTINED)


def _dbt_test(warehouse: Path, root: Path, select: list[str]) -> subprocess.CompletedProcess:
    return run_dbt(warehouse, root, "test", "--store-failures", "--select", *select)


def test_broken_chains_injected_after_the_build_fail_their_tests(
    built_warehouse, tmp_path: Path
) -> None:
    warehouse = tmp_path / "broken.duckdb"
    shutil.copy(built_warehouse["warehouse"], warehouse)
    import duckdb

    con = duckdb.connect(str(warehouse))
    (mql_id, lead_id) = con.execute(
        "select mql_id, lead_id from marts.fct_mql_events where qualified_at is not null "
        "order by mql_id limit 1"
    ).fetchone()
    # An SQL before its MQL, and an MQL of a lead that does not exist.
    con.execute(
        "update marts.fct_mql_events set qualified_at = mql_at - interval 1 day where mql_id = ?",
        [mql_id],
    )
    con.execute(
        "insert into marts.fct_mql_events (mql_id, lead_id, mql_number, mql_at, "
        "trigger_activity_id, definition_version, outcome) select 'broken-mql', "
        "'L_MISSING', 1, mql_at, 'A_MISSING', definition_version, outcome "
        "from marts.fct_mql_events where mql_id = ?",
        [mql_id],
    )
    con.close()

    result = _dbt_test(warehouse, tmp_path, ["fct_mql_events"])
    assert result.returncode != 0, result.stdout[-3000:]
    failed = {
        line.split(" FAIL ")[1].split()[1]
        for line in result.stdout.splitlines()
        if " FAIL " in line
    }
    assert {"mql_precedes_sql", "fct_mql_events_lead_exists"} <= failed, result.stdout[-3000:]
    # --store-failures keeps the offending rows: the keys are there to act on.
    assert query(warehouse, "select failing_key from audit.mql_precedes_sql") == [(mql_id,)]
    missing = query(warehouse, "select from_field from audit.fct_mql_events_lead_exists")
    assert missing == [("L_MISSING",)]
    assert lead_id != "L_MISSING"
