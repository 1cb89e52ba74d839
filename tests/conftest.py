"""Shared fixtures: one small generated data set built once per session through Dagster."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

E2E_LEADS = 20_000
E2E_SEED = 7


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Generates a small clean landing zone and builds every asset into a fresh warehouse."""
    from dagster import DagsterInstance

    from orchestration.build import build_all
    from orchestration.generator import generate
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
