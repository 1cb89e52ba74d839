"""Runs whose process is gone: found, marked failed (which alerts), so the automation goes on.

A build killed by the OOM killer, a machine restart or ``kill -9`` never reports its end, so
its Dagster run stayed STARTED, and the schedule and the landing sensor skipped every tick
after it ("a build is in progress"). Every run that writes the warehouse records the process
that executes it (pid, its start time, the host) in its tags when its first step starts (the
refresh job runs all its steps in that one process). A queued-or-running run is stale when that
process no longer exists on this host (a pid reused by another process has another start time),
or when it recorded none and started more than FUNNEL_STALE_RUN_GRACE_SECONDS ago (default 600:
its worker died before its first step). A stale run is reported failed with the reason, so the
alert sensor sends an alert for it like for any failed run, and the next tick builds.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

from orchestration.alerting.run_history import IN_PROGRESS

PID_TAG = "funnel/worker_pid"
PID_STARTED_TAG = "funnel/worker_started"
HOST_TAG = "funnel/worker_host"


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat, field 22), or None
    when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return stat.rsplit(")", 1)[1].split()[19]


def worker_tags(pid: int | None = None) -> dict[str, str]:
    """The tags that name the process executing a run (this one by default)."""
    pid = os.getpid() if pid is None else pid
    return {
        PID_TAG: str(pid),
        PID_STARTED_TAG: _start_ticks(pid) or "",
        HOST_TAG: socket.gethostname(),
    }


def record_worker(instance: DagsterInstance, run: DagsterRun) -> None:
    """Tags a run with the process executing it, once per process (a retried run may move)."""
    tags = worker_tags()
    if run.tags.get(PID_TAG) != tags[PID_TAG] or run.tags.get(HOST_TAG) != tags[HOST_TAG]:
        instance.add_run_tags(run.run_id, tags)


def _grace_seconds() -> float:
    return float(os.environ.get("FUNNEL_STALE_RUN_GRACE_SECONDS") or 600)


def why_stale(run: DagsterRun, started_at: float | None, now: float | None = None) -> str | None:
    """Why a queued or running run can no longer be running, or None when it may be."""
    pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
    if pid:
        if host != socket.gethostname():
            return None  # another machine's process: not ours to judge
        ticks = _start_ticks(int(pid))
        if ticks is None or ticks != run.tags.get(PID_STARTED_TAG, ticks):
            return (
                f"its process (pid {pid} on {host}) is gone: killed (OOM, kill -9) or the "
                "machine restarted; marked failed so that the next tick builds"
            )
        return None
    if run.status not in (DagsterRunStatus.STARTING, DagsterRunStatus.STARTED):
        return None  # queued: waiting for a worker is not being dead
    age = (now or time.time()) - (started_at or now or time.time())
    if started_at is not None and age > _grace_seconds():
        return (
            f"it recorded no process in {age:.0f} s (its worker died before its first step); "
            "marked failed so that the next tick builds"
        )
    return None


def fail_stale_runs(instance: DagsterInstance, ignore_jobs: tuple[str, ...] = ()) -> list[str]:
    """Reports every stale run failed (with why) and returns their ids."""
    records = instance.get_run_records(filters=RunsFilter(statuses=list(IN_PROGRESS)), limit=50)
    failed = []
    for record in records:
        run = record.dagster_run
        if run.job_name in ignore_jobs:
            continue
        started = record.start_time or (record.create_timestamp.timestamp())
        reason = why_stale(run, started)
        if reason:
            instance.report_run_failed(run, message=f"Run {run.run_id} is stale: {reason}.")
            failed.append(run.run_id)
    return failed
