"""Shared fixtures: one small generated data set built once per session through Dagster."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
# Files the tests write are complete at once: no settle wait (loader completeness rule).
os.environ.setdefault("FUNNEL_LANDING_SETTLE_SECONDS", "0")

E2E_LEADS = 20_000
E2E_SEED = 7
PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_dbt(warehouse: Path, root: Path, *args: str) -> subprocess.CompletedProcess:
    """One dbt command of this project against `warehouse`, with its target and logs in `root`
    (never the project's own), output captured."""
    env = {
        **os.environ,
        "FUNNEL_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--profiles-dir", str(PROJECT_DIR),
        "--project-dir", str(PROJECT_DIR),
        "--target-path", str(root / "target"),
        "--log-path", str(root / "logs"),
    ]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Generates a small clean landing zone and builds every asset into a fresh warehouse."""
    from dagster import DagsterInstance

    from orchestration.generator import generate
    from orchestration.runner.build import build_all
    from orchestration.settings import Settings

    root = tmp_path_factory.mktemp("e2e")
    landing = root / "landing"
    generate(E2E_LEADS, E2E_SEED, landing)
    settings = Settings(
        landing_dir=landing, warehouse=root / "funnel.duckdb", dagster_home=root / "dagster"
    )
    with DagsterInstance.ephemeral() as instance:
        build_all(settings, instance=instance)
    yield {"landing": landing, "warehouse": settings.warehouse, "root": root}


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def query_df(warehouse: Path, sql: str):
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def published_tables(snapshot: Path) -> dict[str, object]:
    """Every table of a published snapshot but its serving metadata, as sorted data frames."""
    tables = query(
        snapshot,
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema <> 'serving' order by 1",
    )
    return {name: query_df(snapshot, f"select * from {name} order by all") for (name,) in tables}


@contextmanager
def sources(value: str) -> Iterator[None]:
    """FUNNEL_SOURCES for the dbt commands run inside (run_dbt passes the environment on)."""
    before = os.environ.get("FUNNEL_SOURCES")
    os.environ["FUNNEL_SOURCES"] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("FUNNEL_SOURCES", None)
        else:
            os.environ["FUNNEL_SOURCES"] = before


def load_landing_systems(landing: Path, warehouse: Path, systems: tuple[str, ...]):
    """Load a landing zone with the source systems' folders (no settle wait)."""
    from orchestration.ingestion.loader import load_landing

    os.environ.setdefault("FUNNEL_LANDING_SETTLE_SECONDS", "0")
    return load_landing(landing, warehouse, systems=systems)
