"""Reading finished runs and what failed in them from the Dagster instance.

Everything here goes through the instance's storage, not through an in-process result, so it
sees the same runs whether they ran under the daemon (sensor, schedule, launched from the UI)
or in process (`funnel build`, the tests) against the same DAGSTER_HOME.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.storage.event_log.base import RunStatusChangeRecordsFilter

from orchestration.alerting.alerts import CheckFailure, FinishedRun, StepFailure

FINISHED_EVENTS = (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE)
IN_PROGRESS = (
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
)
# dagster-dbt's count of failing rows, and the names Python checks (checks.py) use for theirs.
FAILED_ROWS_KEYS = ("dagster_dbt/failed_row_count", "failing_rows")
SAMPLE_KEYS_KEY = "sample_failing_keys"


def _metadata_value(metadata: Any, key: str) -> Any:
    entry = metadata.get(key)
    return getattr(entry, "value", entry)


def check_failures(instance: DagsterInstance, run_id: str) -> list[CheckFailure]:
    """The failed check evaluations of a run, with the failing-row count dagster-dbt records."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    failures = []
    for record in records:
        event = record.event_log_entry.dagster_event
        evaluation = event.event_specific_data if event else None
        if evaluation is None or evaluation.passed:
            continue
        rows = next(
            (
                v
                for k in FAILED_ROWS_KEYS
                if (v := _metadata_value(evaluation.metadata, k)) is not None
            ),
            None,
        )
        keys = _metadata_value(evaluation.metadata, SAMPLE_KEYS_KEY) or []
        failures.append(
            CheckFailure(
                run_id=run_id,
                asset=evaluation.asset_key.to_user_string(),
                check_name=evaluation.check_name,
                severity=evaluation.severity.value,
                step_key=event.step_key,
                failed_rows=None if rows is None else int(rows),
                dbt_unique_id=_metadata_value(evaluation.metadata, "unique_id"),
                dbt_invocation_id=_metadata_value(evaluation.metadata, "invocation_id"),
                sample_keys=tuple(str(k) for k in keys) if isinstance(keys, list) else (),
            )
        )
    return failures


def step_failures(instance: DagsterInstance, run_id: str) -> list[StepFailure]:
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_FAILURE).records
    failures = []
    for record in records:
        event = record.event_log_entry.dagster_event
        error = getattr(event.event_specific_data, "error", None) if event else None
        # The step's error wraps the user's: report the innermost cause, which names the problem.
        while error is not None and error.cause is not None:
            error = error.cause
        message = error.message if error else record.event_log_entry.user_message
        failures.append(StepFailure(step_key=event.step_key or "?", message=message or ""))
    return failures


def finished_run(instance: DagsterInstance, run_id: str) -> FinishedRun | None:
    run = instance.get_run_by_id(run_id)
    if run is None:
        return None
    run_error = ""
    if run.status == DagsterRunStatus.FAILURE:
        records = instance.get_records_for_run(run_id, of_type=DagsterEventType.RUN_FAILURE)
        # A failure reported from outside the run (stale_runs) carries its text on the event.
        run_error = "\n".join(
            r.event_log_entry.user_message
            or getattr(r.event_log_entry.dagster_event, "message", None)
            or ""
            for r in records.records
        )
    return FinishedRun(
        run_id=run_id,
        job_name=run.job_name,
        succeeded=run.status == DagsterRunStatus.SUCCESS,
        check_failures=tuple(check_failures(instance, run_id)),
        step_failures=tuple(step_failures(instance, run_id)),
        run_error=run_error,
    )


@dataclass(frozen=True)
class RunCursor:
    """Where the alert sensor got to: the last run-status event seen per event type (two
    positions, because each type is paged on its own and a shared one could skip events)."""

    after: dict[str, int]

    @classmethod
    def parse(cls, text: str | None) -> RunCursor:
        data = json.loads(text) if text else {}
        return cls(after={k: int(v) for k, v in data.get("after", {}).items()})

    def dumps(self) -> str:
        return json.dumps({"after": self.after}, sort_keys=True)


def newly_finished_run_ids(
    instance: DagsterInstance,
    cursor: RunCursor,
    *,
    first_look_back_from: float,
    limit: int = 50,
) -> tuple[list[str], RunCursor]:
    """Run ids that finished after the cursor, oldest first, and the cursor past them.

    Without a position for an event type (the sensor's first tick), runs that finished after
    ``first_look_back_from`` (a timestamp) count, so a build done just before the daemon started
    still alerts, but a fresh sensor does not replay a whole history.
    """
    found: list[tuple[int, str]] = []
    after = dict(cursor.after)
    for event_type in FINISHED_EVENTS:
        position = after.get(event_type.value)
        records_filter = RunStatusChangeRecordsFilter(
            event_type=event_type,
            after_storage_id=position,
            after_timestamp=None if position is not None else first_look_back_from,
        )
        records = instance.fetch_run_status_changes(
            records_filter, limit=limit, ascending=True
        ).records
        for record in records:
            found.append((record.storage_id, record.event_log_entry.run_id))
        if records:
            after[event_type.value] = max(r.storage_id for r in records)
        elif position is None:
            after[event_type.value] = _latest_storage_id(instance, event_type)
    run_ids = list(dict.fromkeys(run_id for _, run_id in sorted(found)))
    return run_ids, RunCursor(after=after)


def _latest_storage_id(instance: DagsterInstance, event_type: DagsterEventType) -> int:
    records = instance.fetch_run_status_changes(event_type, limit=1, ascending=False).records
    return records[0].storage_id if records else 0


def runs_finished_between(
    instance: DagsterInstance, start: datetime, end: datetime, *, limit: int = 500
) -> list[FinishedRun]:
    """Every run that ended (success or failure) in [start, end), oldest first."""
    records = instance.get_run_records(
        filters=RunsFilter(
            statuses=[DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE],
            updated_after=start,
            updated_before=end,
        ),
        limit=limit,
    )
    runs = []
    for record in sorted(records, key=lambda r: r.update_timestamp):
        run = finished_run(instance, record.dagster_run.run_id)
        if run is not None:
            runs.append(run)
    return runs


def runs_in_progress(instance: DagsterInstance, ignore_jobs: Sequence[str] = ()) -> list[str]:
    """Ids of queued or running runs (other than of ``ignore_jobs``): a build may be writing."""
    records = instance.get_run_records(filters=RunsFilter(statuses=list(IN_PROGRESS)), limit=20)
    return [r.dagster_run.run_id for r in records if r.dagster_run.job_name not in ignore_jobs]
