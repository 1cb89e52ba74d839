"""Assets: one per landing table load, and the dbt models built over them."""

from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    MaterializeResult,
    asset,
    multi_asset,
)
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.dbt_project import (
    DBT_PROJECT,
    TRANSLATOR,
    dbt_build_args,
    prune_run_targets,
    raw_asset_key,
)
from orchestration.defs.resources import WarehouseResource
from orchestration.ingestion import loader
from orchestration.ingestion.contract import TABLES
from orchestration.ingestion.systems import SYSTEMS
from orchestration.runner.build_lock import build_lock
from orchestration.runner.stale_runs import record_worker
from orchestration.settings import Settings, resolve_as_of

LANDING_SPECS = [
    AssetSpec(
        key=raw_asset_key(name),
        group_name="landing",
        description=f"raw.{name}: {table.description} Loaded from <landing>/{name}/.",
        kinds={"duckdb"},
    )
    for name, table in TABLES.items()
] + [
    # The source systems FUNNEL_SOURCES names (docs/sources.md), read when the code location
    # loads, as dbt reads them when it parses the project.
    AssetSpec(
        key=raw_asset_key(f"{system}.{name}"),
        group_name="landing",
        description=(
            f"raw_{system}.{name}: {table.description} Loaded from <landing>/{system}/{name}/."
        ),
        kinds={"duckdb"},
    )
    for system in Settings.from_env().sources
    for name, table in SYSTEMS[system].tables.items()
]


def _loader_table(key: AssetKey) -> str:
    """The loader's name of a load asset's table: raw/leads -> leads, raw_salesforce/lead ->
    salesforce.lead."""
    schema, name = key.path[0], key.path[-1]
    return name if schema == "raw" else f"{schema.removeprefix('raw_')}.{name}"


@multi_asset(specs=LANDING_SPECS, can_subset=True, name="load_landing")
def load_landing(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[MaterializeResult]:
    """Loads the new files of each selected table; files already in the manifest are skipped."""
    settings = warehouse.settings()
    record_worker(context.instance, context.run)
    with build_lock(settings.warehouse, run_id=context.run.run_id):
        yield from _load_selected(context, settings)


def _load_selected(
    context: AssetExecutionContext, settings: Settings
) -> Iterator[MaterializeResult]:
    unknown = loader.not_loadable(settings.landing_dir)
    if unknown:
        context.log.warning(loader.not_loadable_warning(unknown))
    con = loader.connect(settings.warehouse)
    try:
        loader.ensure_raw_schema(con, systems=settings.sources)
        for key in sorted(context.selected_asset_keys, key=lambda k: k.path):
            report = loader.load_table(con, settings.landing_dir, _loader_table(key))
            context.log.info(report.summary())
            yield MaterializeResult(
                asset_key=key,
                metadata={
                    "files_loaded": report.files_loaded,
                    "files_skipped": report.files_skipped,
                    "rows_loaded": report.rows_loaded,
                    "rows_rejected": report.rows_rejected,
                    # Files still being written (the completeness rule): the next load takes them.
                    "files_pending": report.files_pending,
                },
            )
    finally:
        con.close()


class DbtBuildConfig(Config):
    """Run config of the dbt asset: ``full_refresh`` rebuilds the incremental models from
    scratch (``dbt build --full-refresh``) instead of recomputing only the touched leads;
    ``as_of`` (else env FUNNEL_AS_OF, else the latest event in the data) is the moment the build
    scores and cuts the funnel at (DOMAIN.md 5)."""

    full_refresh: bool = False
    as_of: str = ""


def build_vars(config: DbtBuildConfig) -> dict[str, str]:
    """The dbt vars of a build: the as-of time, checked and normalised, when one is set."""
    as_of = resolve_as_of(config.as_of)
    return {"as_of": as_of} if as_of else {}


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT, dagster_dbt_translator=TRANSLATOR
)
def funnel_dbt_assets(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
) -> Iterator[object]:
    """One ``dbt build`` over the selection: models, seeds and their tests in DAG order."""
    settings = warehouse.settings()  # exports FUNNEL_WAREHOUSE for profiles.yml
    record_worker(context.instance, context.run)
    args = dbt_build_args(full_refresh=config.full_refresh, dbt_vars=build_vars(config))
    with build_lock(settings.warehouse, run_id=context.run.run_id):
        prune_run_targets(DBT_PROJECT.project_dir / DBT_PROJECT.target_path)
        yield from dbt.cli(args, context=context).stream()


PUBLISHED_KEY = AssetKey(["serving", "published_snapshot"])


@asset(
    key=PUBLISHED_KEY,
    group_name="serving",
    deps=list(funnel_dbt_assets.keys),
    kinds={"duckdb"},
    description=(
        "The snapshot BI tools, `funnel report` and the dashboard read: the marts and quality "
        "schemas of the last successful build, in a file DuckDB 1.2+ opens, swapped in by one "
        "atomic rename (FUNNEL_PUBLISHED; orchestration/serving/publish.py). A failed build "
        "publishes nothing."
    ),
)
def published_snapshot(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    """Runs only when the dbt step succeeded: a failed model or error-severity test fails that
    step, and Dagster skips everything downstream of it, this asset included."""
    from orchestration.serving.publish import publish

    settings = warehouse.settings()
    with build_lock(settings.warehouse, run_id=context.run.run_id):
        publication = publish(settings.warehouse, settings.published, run_id=context.run.run_id)
    context.log.info(publication.summary())
    return MaterializeResult(
        metadata={
            "path": str(publication.path),
            "tables": len(publication.tables),
            "rows": sum(publication.tables.values()),
            "seconds": round(publication.seconds, 2),
        }
    )
