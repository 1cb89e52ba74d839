"""The Dagster code location: a thin merge of the modules that each hold one concern."""

from __future__ import annotations

from dagster import Definitions

from orchestration.assets import funnel_dbt_assets, load_landing
from orchestration.resources import build_resources

defs = Definitions(assets=[load_landing, funnel_dbt_assets], resources=build_resources())
