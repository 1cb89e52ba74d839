"""Source systems (docs/sources.md): the same generated world built through each system's shape
(funnel generate --shape) gives the marts of the build through the landing contract, row for
row and value for value, ids compared by their number (each system writes ids in its own
format), and every system row is accounted for. In a file of its own so that pytest-xdist can
run these builds beside test_source_systems.py's.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from conftest import load_landing_systems, query, run_dbt, sources

BUILD = ("build", "--exclude-resource-type", "unit_test")

# ---------------------------------------------------------------------------------------------
# The same world through each shape
# ---------------------------------------------------------------------------------------------

LEADS, SEED = 400, 17
# A Salesforce id (prefix and 12 digits), a Marketo id or person, or a landing id: the same
# record has the same number in every shape.
ID = re.compile(
    r"^(?:(?:00Q|001|003|006|701|00T|00U)(\d{12})|marketo:(\d+)|(?:L|A|O|C|ACC)(\d+)|(\d+))$"
)
# A surrogate key (an md5 over ids, macro surrogate_key): derived from the ids' spelling, so it
# differs between shapes by construction; the rows it keys are compared in full.
SURROGATE = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture(scope="module")
def landing_marts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    return build_shape(tmp_path_factory.mktemp("shape_landing"), "landing")


def build_shape(root: Path, shape: str) -> dict[str, list[tuple]]:
    from orchestration.generator import generate
    from orchestration.generator.shapes import SHAPES

    landing = root / "landing"
    generate(LEADS, SEED, landing, shape=shape, file_format="csv")
    systems = tuple(s for s in SHAPES[shape] if s != "landing")
    warehouse = root / "shape.duckdb"
    load_landing_systems(landing, warehouse, systems)
    # Models only: the data tests run on every system's rows in the vendor build above (and on
    # the landing contract's in every other build of the suite); what a shape must show, that
    # every system row is accounted for, is asserted from the reports themselves.
    with sources(",".join(systems)):
        result = run_dbt(warehouse, root, *BUILD, "--exclude-resource-type", "test")
    assert result.returncode == 0, result.stdout[-4000:]
    unreconciled = query(
        warehouse,
        "select raw_table from quality.rpt_reconciliation where not is_reconciled"
        " union all select source_system || '.' || source_table"
        " from quality.rpt_source_system_reconciliation where not is_reconciled",
    )
    assert unreconciled == []
    if systems:
        (conformed,) = query(
            warehouse,
            "select sum(conformed_rows) from quality.rpt_source_system_reconciliation",
        )
        assert conformed[0] > 0  # the systems' rows were read
    return marts(warehouse)


def _normalised(value: object) -> object:
    if isinstance(value, str):
        match = ID.match(value)
        if match:
            return int(next(group for group in match.groups() if group is not None))
        if SURROGATE.match(value):
            return "<surrogate key>"
    if isinstance(value, float):
        return round(value, 9)
    return value


def marts(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            name: sorted(
                (
                    tuple(_normalised(v) for v in row)
                    for row in con.execute(f"select * from marts.{name}").fetchall()
                ),
                key=repr,
            )
            for name in names
        }
    finally:
        con.close()


@pytest.mark.parametrize("shape", ["salesforce", "hubspot", "marketo", "salesforce+marketo"])
def test_a_shape_builds_the_marts_of_the_landing_contract(
    shape: str, landing_marts: dict[str, list[tuple]], tmp_path: Path
) -> None:
    shaped = build_shape(tmp_path, shape)
    assert shaped.keys() == landing_marts.keys()
    for table, expected in landing_marts.items():
        only_shape = Counter(shaped[table]) - Counter(expected)
        only_landing = Counter(expected) - Counter(shaped[table])
        assert not only_shape and not only_landing, (
            f"{table}: {sum(only_shape.values())} rows only in {shape}, "
            f"{sum(only_landing.values())} only in landing; first "
            f"{sorted(only_shape, key=repr)[:2]} vs {sorted(only_landing, key=repr)[:2]}"
        )
