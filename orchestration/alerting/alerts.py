"""What an alert says and where it goes.

Formatting is pure (dataclasses in, an :class:`Alert` out) so the wording can be unit-tested
without Dagster or a network; :func:`send_alert` is the one place that talks to Apprise, so
every destination Apprise supports (Slack, Teams, e-mail, a JSON webhook, ...) works from one
environment variable.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ALERT_URLS_ENV = "FUNNEL_ALERT_URLS"
DAGSTER_URL_ENV = "FUNNEL_DAGSTER_URL"
DEFAULT_DAGSTER_URL = "http://127.0.0.1:3000"
MAX_ERROR_CHARS = 600
MAX_KEYS_SHOWN = 5

LOG = logging.getLogger("orchestration.alerting.alerts")


@dataclass(frozen=True)
class CheckFailure:
    """One failed asset check evaluation of one run (a dbt test or a Python check)."""

    run_id: str
    asset: str  # user string, e.g. "marts/fct_mql_events"
    check_name: str
    severity: str  # "ERROR" or "WARN", as Dagster reports it
    step_key: str | None = None
    failed_rows: int | None = None
    dbt_unique_id: str | None = None
    dbt_invocation_id: str | None = None
    sample_keys: tuple[str, ...] = ()
    keys_note: str = ""  # why sample_keys is empty, when it is


@dataclass(frozen=True)
class StepFailure:
    step_key: str
    message: str


@dataclass(frozen=True)
class FinishedRun:
    """A run that ended, with what went wrong in it; the input of :func:`plan_run_alerts`."""

    run_id: str
    job_name: str
    succeeded: bool
    check_failures: tuple[CheckFailure, ...] = ()
    step_failures: tuple[StepFailure, ...] = ()
    run_error: str = ""  # the run failure message when no step failed (e.g. a crashed worker)


@dataclass(frozen=True)
class Alert:
    """One message. ``key`` identifies the failure it reports, so a retry can be recognised."""

    title: str
    body: str
    level: str  # "error" or "warning"
    key: str
    run_ids: tuple[str, ...] = field(default=())


def dagster_url() -> str:
    return (os.environ.get(DAGSTER_URL_ENV) or DEFAULT_DAGSTER_URL).rstrip("/")


def run_url(run_id: str, base_url: str | None = None) -> str:
    return f"{(base_url or dagster_url()).rstrip('/')}/runs/{run_id}"


def alert_urls(value: str | None = None) -> list[str]:
    """Apprise URLs from FUNNEL_ALERT_URLS (comma-separated); none means the log only."""
    raw = os.environ.get(ALERT_URLS_ENV, "") if value is None else value
    return [url.strip() for url in raw.split(",") if url.strip()]


def _rows(count: int | None) -> str:
    return "unknown" if count is None else f"{count:,}"


def _keys_line(failure: CheckFailure) -> str:
    if failure.sample_keys:
        shown = ", ".join(failure.sample_keys[:MAX_KEYS_SHOWN])
        more = " ..." if (failure.failed_rows or 0) > len(failure.sample_keys) else ""
        return f"Failing keys (sample): {shown}{more}"
    return f"Failing keys: not available ({failure.keys_note or 'no query for this check'})"


def _short(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def format_check_alert(failure: CheckFailure, base_url: str | None = None) -> Alert:
    """The alert for one failed ERROR-severity check: what failed, where, how much, and a link."""
    lines = [
        f"Check: {failure.check_name}",
        f"Asset: {failure.asset}",
        f"Severity: {failure.severity}",
        f"Failing rows: {_rows(failure.failed_rows)}",
        _keys_line(failure),
    ]
    if failure.dbt_unique_id:
        lines.append(f"dbt test: {failure.dbt_unique_id}")
    lines.append(f"Run: {run_url(failure.run_id, base_url)}")
    return Alert(
        title=f"[funnel] check failed: {failure.check_name} on {failure.asset}",
        body="\n".join(lines),
        level="error",
        key=f"check:{failure.run_id}:{failure.asset}:{failure.check_name}",
        run_ids=(failure.run_id,),
    )


def format_run_alert(
    run: FinishedRun, steps: Sequence[StepFailure], base_url: str | None = None
) -> Alert:
    """The alert for a failed run whose failure no failed check explains."""
    lines = [f"Job: {run.job_name}", f"Run: {run_url(run.run_id, base_url)}"]
    if steps:
        lines.append("Failed steps:")
        lines += [f"- {s.step_key}: {_short(s.message)}" for s in steps]
    elif run.run_error:
        lines.append(f"Error: {_short(run.run_error)}")
    return Alert(
        title=f"[funnel] run failed: {run.job_name} ({run.run_id[:8]})",
        body="\n".join(lines),
        level="error",
        key=f"run:{run.run_id}",
        run_ids=(run.run_id,),
    )


def _latest_per_check(failures: Iterable[CheckFailure]) -> dict[tuple[str, str], CheckFailure]:
    latest: dict[tuple[str, str], CheckFailure] = {}
    for failure in failures:
        latest[(failure.asset, failure.check_name)] = failure
    return latest


def plan_run_alerts(run: FinishedRun, base_url: str | None = None) -> list[Alert]:
    """One alert per failure of a run: one per failed ERROR check (deduplicated per check), and
    one for the run if it failed for a reason those checks do not explain.

    A failing dbt test of severity error makes ``dbt build`` exit non-zero, so the dbt step and
    the run fail too; that step failure is the same failure as the check, so it is not reported
    again. A step that failed without a failed ERROR check of its own (a loader error, a dbt
    model error) is a failure of its own.
    """
    errors = [f for f in run.check_failures if f.severity == "ERROR"]
    alerts = [format_check_alert(f, base_url) for f in _latest_per_check(errors).values()]
    if run.succeeded:
        return alerts
    explained = {f.step_key for f in errors if f.step_key}
    unexplained = [s for s in run.step_failures if s.step_key not in explained]
    if unexplained or not errors:
        alerts.append(format_run_alert(run, unexplained, base_url))
    return alerts


def format_warning_digest(
    warnings: Sequence[CheckFailure],
    window: str,
    base_url: str | None = None,
) -> Alert | None:
    """One message for a period's WARN-severity check failures, one line per distinct check
    (however many runs repeated it), or None when there were none."""
    warns = [w for w in warnings if w.severity == "WARN"]
    if not warns:
        return None
    runs_per_check: dict[tuple[str, str], set[str]] = {}
    for w in warns:
        runs_per_check.setdefault((w.asset, w.check_name), set()).add(w.run_id)
    latest = _latest_per_check(warns)
    lines = [f"{len(latest)} warning(s) in {window}:"]
    for (asset, check), failure in sorted(latest.items()):
        runs = len(runs_per_check[(asset, check)])
        line = f"- {asset}: {check}: {_rows(failure.failed_rows)} failing row(s)"
        if failure.sample_keys:
            line += f", e.g. {', '.join(failure.sample_keys[:MAX_KEYS_SHOWN])}"
        line += f"; in {runs} run(s), latest {run_url(failure.run_id, base_url)}"
        lines.append(line)
    return Alert(
        title=f"[funnel] daily warnings: {len(latest)} check(s) warned",
        body="\n".join(lines),
        level="warning",
        key=f"digest:{window}",
        run_ids=tuple(sorted({w.run_id for w in warns})),
    )


def send_alert(
    alert: Alert, urls: Sequence[str] | None = None, log: logging.Logger | None = None
) -> bool:
    """Deliver through Apprise to every configured URL; without any, write it to the log.

    Returns whether every destination accepted it (True for the log), so the caller can retry.
    """
    logger = log or LOG
    targets = alert_urls() if urls is None else list(urls)
    if not targets:
        logger.warning(f"{alert.title}\n{alert.body}")
        return True
    import apprise

    notifier = apprise.Apprise()
    for url in targets:
        if not notifier.add(url):
            logger.error(f"ignoring an invalid Apprise URL in {ALERT_URLS_ENV}")
    if not len(notifier):
        logger.warning(f"{alert.title}\n{alert.body}")
        return False
    notify_type = (
        apprise.NotifyType.FAILURE if alert.level == "error" else apprise.NotifyType.WARNING
    )
    delivered = bool(
        notifier.notify(
            title=alert.title,
            body=alert.body,
            notify_type=notify_type,
            body_format=apprise.NotifyFormat.TEXT,
        )
    )
    if not delivered:
        logger.error(f"alert not delivered to every destination: {alert.title}")
    return delivered
