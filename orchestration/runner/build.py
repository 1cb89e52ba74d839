"""Materialise the whole asset graph in process, the way `make run` and the tests do."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orchestration.runner.build_lock import build_lock
from orchestration.runner.stale_runs import worker_tags
from orchestration.settings import PROJECT_DIR, Settings, put_interpreter_on_path, resolve_as_of

DBT_OP_NAME = "funnel_dbt_assets"  # the op of orchestration.defs.assets.funnel_dbt_assets
DBT_INPUTS = ("models", "macros", "seeds", "tests/dbt", "dbt_project.yml", "profiles.yml")


def manifest_is_stale(manifest: Path, project_dir: Path = PROJECT_DIR) -> bool:
    """True when a dbt input changed after the manifest was written; parsing costs ~5 s, so
    skip it when nothing changed."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in DBT_INPUTS:
        root = project_dir / name
        paths = [root] if root.is_file() else root.rglob("*") if root.exists() else []
        if any(p.is_file() and p.stat().st_mtime > built for p in paths):
            return True
    return False


def prepare_manifest() -> None:
    from orchestration.defs.dbt_project import DBT_PROJECT

    put_interpreter_on_path()
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    if manifest_is_stale(DBT_PROJECT.manifest_path):
        DBT_PROJECT.preparer.prepare(DBT_PROJECT)


def build_all(
    settings: Settings,
    *,
    instance: Any = None,
    run_tags: Mapping[str, str] | None = None,
    log_level: str | None = None,
    full_refresh: bool = False,
    as_of: str | None = None,
) -> Any:
    """Loads the landing zone and builds every dbt node through Dagster; raises on failure.

    The console log defaults to warnings only (FUNNEL_LOG_LEVEL): every dbt node is an event,
    and the run's full log is in the Dagster instance anyway. ``full_refresh`` rebuilds the
    incremental models from scratch instead of recomputing the leads new data touched;
    ``as_of`` scores and cuts the funnel at that moment (else FUNNEL_AS_OF, else the latest
    event in the data), checked before anything runs.
    """
    as_of = resolve_as_of(as_of)
    settings.export()
    prepare_manifest()
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    job = defs.resolve_implicit_global_asset_job_def()
    level = (log_level or os.environ.get("FUNNEL_LOG_LEVEL") or "WARNING").upper()
    run_config: dict[str, Any] = {"loggers": {"console": {"config": {"log_level": level}}}}
    dbt_config: dict[str, Any] = {}
    if full_refresh:
        dbt_config["full_refresh"] = True
    if as_of:
        dbt_config["as_of"] = as_of
    if dbt_config:
        run_config["ops"] = {DBT_OP_NAME: {"config": dbt_config}}
    # One build per warehouse at a time: a second one is refused here with one line
    # (BuildInProgress) instead of failing on DuckDB's lock inside the run. The run is tagged
    # with this process, so that if it is killed the automation can tell (stale_runs).
    with build_lock(settings.warehouse):
        result = job.execute_in_process(
            run_config=run_config,
            instance=instance or DagsterInstance.get(),
            tags={**worker_tags(), **dict(run_tags or {})},
            raise_on_error=False,
        )
    if not result.success:
        failures = [
            f"{event.step_key}: {event.event_specific_data.error.message.strip()}"
            for event in result.all_events
            if event.is_step_failure
        ]
        raise RuntimeError("build failed:\n" + "\n".join(failures))
    return result


def summarise(result: Any) -> str:
    """One line on what a build did: assets materialised, checks passed and failed."""
    materialised = sum(
        1 for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"
    )
    checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    failed = [c for c in checks if not c.passed]
    line = f"{materialised} assets materialised, {len(checks) - len(failed)} checks passed"
    for severity, label in (("ERROR", "failed"), ("WARN", "warned")):
        names = sorted(c.check_name for c in failed if c.severity.value == severity)
        if names:
            line += f", {len(names)} {label} ({', '.join(names[:10])})"
    return line


LEFT_OUT_SQL = """
select event_label, events_after_as_of, as_of_at, is_explicit_as_of
from quality.rpt_events_after_as_of
order by event_kind_order
"""


def describe_as_of(warehouse: Path) -> str:
    """One line on the as-of time a build used and what it left out of the marts (DOMAIN.md 5),
    read from quality.rpt_events_after_as_of: an explicit as-of is never a silent cut."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(LEFT_OUT_SQL).fetchall()
    except duckdb.Error:
        return "as of: unknown (quality.rpt_events_after_as_of was not built)"
    finally:
        con.close()
    if not rows or rows[0][2] is None:
        return "as of: none (no events in the data)"
    as_of, explicit = rows[0][2], rows[0][3]
    origin = "set with --as-of / FUNNEL_AS_OF" if explicit else "the latest event in the data"
    left_out = [f"{count:,} {label}" for label, count, _, _ in rows if count]
    line = f"as of {as_of:%Y-%m-%d %H:%M:%S} ({origin})"
    if left_out:
        line += "; left out of every mart as later: " + ", ".join(left_out)
    return line
