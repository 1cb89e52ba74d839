"""Dagster resources, configured from the environment with working defaults."""

from __future__ import annotations

import os

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource

from orchestration.defs.dbt_project import DBT_PROJECT
from orchestration.runner.dbt_child import dbt_executable
from orchestration.settings import Settings, resolve_path


class WarehouseResource(ConfigurableResource):
    """The landing zone, the DuckDB warehouse file and the published snapshot. Empty fields are
    read from the environment (FUNNEL_LANDING_DIR, FUNNEL_WAREHOUSE, FUNNEL_PUBLISHED) when a run
    starts, not when the code location loads, so one loaded code location follows the
    environment of each run."""

    landing_dir: str = ""
    warehouse: str = ""
    published: str = ""

    def settings(self) -> Settings:
        env = Settings.from_env()
        warehouse = resolve_path(self.warehouse) if self.warehouse else env.warehouse
        if self.published:
            published = resolve_path(self.published)
        else:  # FUNNEL_PUBLISHED, else beside the warehouse (None: Settings' default)
            published = env.published if os.environ.get("FUNNEL_PUBLISHED") else None
        resolved = Settings(
            landing_dir=resolve_path(self.landing_dir) if self.landing_dir else env.landing_dir,
            warehouse=warehouse,
            dagster_home=env.dagster_home,
            published=published,
        )
        resolved.export()
        return resolved


def build_resources() -> dict[str, object]:
    return {
        "warehouse": WarehouseResource(),
        # The dbt beside this interpreter (`.venv/bin/funnel` runs without the venv on PATH),
        # started so that it dies with the process that started it (runner/dbt_child.py).
        "dbt": DbtCliResource(
            project_dir=DBT_PROJECT,
            dbt_executable=dbt_executable(Settings.from_env().dagster_home / "bin"),
        ),
    }
