"""The jobs of the code location: the refresh (load + build) and the warnings digest."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job, in_process_executor, job

from orchestration.alerting.digest import send_warning_digest

REFRESH_JOB_NAME = "funnel_refresh"
DIGEST_JOB_NAME = "funnel_warning_digest"

# Every asset: the load skips files already in the manifest and dbt rebuilds the rest, so one
# job serves the daily schedule (all assets) and the landing sensor (a subset per run request).
funnel_refresh_job = define_asset_job(
    name=REFRESH_JOB_NAME,
    selection=AssetSelection.all(),
    description="Loads new landing files and builds every dbt model, test and the summary.",
    tags={"funnel/writes_warehouse": "true"},
    # Every step in the run's one process: DuckDB has one writer anyway, and the process the
    # run records (stale_runs) then lives exactly as long as the run.
    executor_def=in_process_executor,
)


@job(name=DIGEST_JOB_NAME, description="One message a day with the day's check warnings.")
def warning_digest_job() -> None:
    send_warning_digest()
