"""When things run by the clock: the daily refresh and the daily warnings digest.

Cron and time zone come from the environment (read when the code location loads), so a
deployment picks its own hour without a code change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from orchestration.alerting.digest import DigestConfig, build_digest, window
from orchestration.alerting.run_history import runs_in_progress
from orchestration.defs.jobs import DIGEST_JOB_NAME, funnel_refresh_job, warning_digest_job
from orchestration.runner.stale_runs import fail_stale_runs

CRON_ENV = "FUNNEL_SCHEDULE_CRON"
TIMEZONE_ENV = "FUNNEL_SCHEDULE_TIMEZONE"
DIGEST_CRON_ENV = "FUNNEL_DIGEST_CRON"
DEFAULT_CRON = "0 6 * * *"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_DIGEST_CRON = "0 7 * * *"


@dataclass(frozen=True)
class ScheduleSettings:
    cron: str
    timezone: str
    digest_cron: str

    @classmethod
    def from_env(cls) -> ScheduleSettings:
        return cls(
            cron=os.environ.get(CRON_ENV) or DEFAULT_CRON,
            timezone=os.environ.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE,
            digest_cron=os.environ.get(DIGEST_CRON_ENV) or DEFAULT_DIGEST_CRON,
        )


def refresh_schedule(settings: ScheduleSettings) -> ScheduleDefinition:
    """Load and build every day. Stopped by default: switch it on in the UI (Automation)."""

    @schedule(
        name="funnel_daily_refresh",
        job=funnel_refresh_job,
        cron_schedule=settings.cron,
        execution_timezone=settings.timezone,
        default_status=DefaultScheduleStatus.STOPPED,
        description=f"Loads new landing files and rebuilds everything ({settings.cron}, "
        f"{settings.timezone}).",
    )
    def funnel_daily_refresh(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
        # DuckDB has one writer: a second build would fail on the lock, so wait for the next;
        # but a run whose process is gone (killed) is marked failed first, not waited for.
        fail_stale_runs(context.instance, ignore_jobs=(DIGEST_JOB_NAME,))
        busy = runs_in_progress(context.instance, ignore_jobs=[DIGEST_JOB_NAME])
        if busy:
            return SkipReason(f"a build is in progress ({busy[0]}); the next tick will catch up")
        tick = context.scheduled_execution_time
        return RunRequest(
            run_key=f"daily-{tick.isoformat()}" if tick else None,
            tags={"funnel/trigger": "schedule"},
        )

    return funnel_daily_refresh


def digest_schedule(settings: ScheduleSettings) -> ScheduleDefinition:
    """Send the day's warnings once a day. Running by default: alerting should not need a click."""

    @schedule(
        name="funnel_warning_digest_daily",
        job=warning_digest_job,
        cron_schedule=settings.digest_cron,
        execution_timezone=settings.timezone,
        default_status=DefaultScheduleStatus.RUNNING,
        description="Collects the last 24 hours' WARN-severity check failures into one message.",
    )
    def funnel_warning_digest_daily(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
        tick = context.scheduled_execution_time
        config = DigestConfig(window_end=tick.isoformat() if tick else "")
        start, end = window(config)
        # Checked here too, so a quiet day launches no run at all.
        if build_digest(context.instance, start, end) is None:
            return SkipReason(f"no warnings between {start:%Y-%m-%d %H:%M} and {end:%H:%M} UTC")
        return RunRequest(
            run_key=f"digest-{end.isoformat()}",
            run_config={"ops": {"send_warning_digest": {"config": config.model_dump()}}},
            tags={"funnel/trigger": "digest"},
        )

    return funnel_warning_digest_daily


def build_schedules(settings: ScheduleSettings | None = None) -> list[ScheduleDefinition]:
    resolved = settings or ScheduleSettings.from_env()
    return [refresh_schedule(resolved), digest_schedule(resolved)]
