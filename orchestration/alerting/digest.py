"""The daily digest of warnings: WARN-severity check failures go out once a day, together.

A warning (a staging orphan, a channel outside its benchmark band) is worth knowing but not
worth a message each build: one message a day, one line per distinct check however many runs
repeated it, keeps the channel readable so the ERROR alerts stand out.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dagster import Config, DagsterInstance, OpExecutionContext, op

from orchestration.alerting.alerts import Alert, CheckFailure, format_warning_digest, send_alert
from orchestration.alerting.failing_keys import with_sample_keys
from orchestration.alerting.run_history import runs_finished_between
from orchestration.defs.resources import WarehouseResource

DEFAULT_WINDOW_HOURS = 24


def collect_warnings(
    instance: DagsterInstance, start: datetime, end: datetime
) -> list[CheckFailure]:
    """WARN-severity check failures of the runs that finished in [start, end), oldest first."""
    return [
        failure
        for run in runs_finished_between(instance, start, end)
        for failure in run.check_failures
        if failure.severity == "WARN"
    ]


def window_label(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def build_digest(
    instance: DagsterInstance, start: datetime, end: datetime, warehouse: Path | None = None
) -> Alert | None:
    """The digest of the window, with sample keys of the latest failure of each check."""
    warnings = collect_warnings(instance, start, end)
    if warehouse is not None:
        # Keys only for the latest failure of each check: the one the digest line shows.
        seen: set[tuple[str, str]] = set()
        cache: dict = {}
        for i in reversed(range(len(warnings))):
            check = (warnings[i].asset, warnings[i].check_name)
            if check not in seen:
                seen.add(check)
                warnings[i] = with_sample_keys(warnings[i], warehouse, cache=cache)
    return format_warning_digest(warnings, window_label(start, end))


class DigestConfig(Config):
    """window_end: ISO timestamp (the schedule passes its tick; empty = now); hours: length."""

    window_end: str = ""
    hours: int = DEFAULT_WINDOW_HOURS


def window(config: DigestConfig) -> tuple[datetime, datetime]:
    end = datetime.fromisoformat(config.window_end) if config.window_end else datetime.now(UTC)
    end = end if end.tzinfo else end.replace(tzinfo=UTC)
    end = end.astimezone(UTC)
    return end - timedelta(hours=config.hours), end


@op(description="Sends one message with the window's WARN-severity check failures, if any.")
def send_warning_digest(
    context: OpExecutionContext, config: DigestConfig, warehouse: WarehouseResource
) -> None:
    start, end = window(config)
    digest = build_digest(context.instance, start, end, warehouse.settings().warehouse)
    if digest is None:
        context.log.info(f"no warnings in {window_label(start, end)}")
        return
    if not send_alert(digest, log=context.log):
        raise RuntimeError("the warnings digest could not be delivered to every destination")
    context.log.info(f"sent: {digest.title}")
