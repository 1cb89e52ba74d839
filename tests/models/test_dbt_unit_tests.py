"""dbt's unit tests (fixed input rows, expected output rows) run here, in `make test`.

Scheduled and `make run` builds leave them out (`--exclude-resource-type unit_test`, as dbt
advises: their inputs never change, so a production run gains nothing from them); this test runs
every one of them against the session's built warehouse, which supplies the column types of
their inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_dbt

from orchestration.defs.dbt_project import dbt_build_args


def test_scheduled_builds_leave_unit_tests_out() -> None:
    args = dbt_build_args()
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"


def test_every_dbt_unit_test_passes(built_warehouse: dict[str, Path]) -> None:
    root = built_warehouse["root"] / "unit_tests"
    result = run_dbt(built_warehouse["warehouse"], root, "test", "--select", "test_type:unit")
    assert result.returncode == 0, result.stdout[-4000:]

    manifest = json.loads((root / "target" / "manifest.json").read_text())
    declared = set(manifest["unit_tests"])
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    # `dbt test` runs the on-run-end hook too; it records no build state there (only build, run).
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert len(declared) >= 20
    assert set(ran) == declared
    assert set(ran.values()) == {"pass"}
