"""Faults that stalled the automation (issue 14): two builds at once, a build killed mid-way,
and the dbt child of a killed `funnel` running on by itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, published_tables
from webhook import webhook_server

from orchestration.serving.publish import partial_snapshots

HOLD_LOCK = """
import sys, time
from pathlib import Path
from orchestration.runner.build_lock import build_lock
with build_lock(Path(sys.argv[1]), run_id="holder-run"):
    print("held", flush=True)
    time.sleep(120)
"""


def _hold_lock(warehouse: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(warehouse)],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FUNNEL_LANDING_DIR": str(tmp_path / "landing"),
        "FUNNEL_WAREHOUSE": str(tmp_path / "funnel.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }


def test_a_second_build_is_refused_with_one_clear_line(tmp_path: Path) -> None:
    env = _env(tmp_path)
    (tmp_path / "landing" / "leads").mkdir(parents=True)
    holder = _hold_lock(Path(env["FUNNEL_WAREHOUSE"]))
    try:
        second = subprocess.run(
            [str(Path(sys.executable).parent / "funnel"), "build"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 1
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert lines[0].startswith("funnel build: error: another build is writing ")
    assert f"pid {holder.pid}" in lines[0] and "run holder-run" in lines[0]


def test_the_lock_of_a_killed_build_is_free_at_once(tmp_path: Path) -> None:
    from orchestration.runner.build_lock import BuildInProgress, build_lock, lock_path

    warehouse = tmp_path / "funnel.duckdb"
    holder = _hold_lock(warehouse)
    with pytest.raises(BuildInProgress), build_lock(warehouse):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    # Free once its holder is gone, and this process may take it again inside (no deadlock).
    with build_lock(warehouse), build_lock(warehouse):
        assert lock_path(warehouse).read_text().startswith("{")


def _processes_with(text: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            pids.append(int(proc.name))
    return pids


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _has_open(pid: int, path: Path) -> bool:
    """True when process `pid` has `path` open (dbt has opened the warehouse: parsing is over
    and it is building)."""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd) == str(path.resolve()):
                return True
        except OSError:
            continue
    return False


@pytest.fixture(scope="module")
def killed_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A build, then `funnel build --full-refresh` killed with SIGKILL while its dbt child
    rebuilds the models."""
    from dagster import DagsterInstance

    from orchestration.generator import generate
    from orchestration.runner.build import build_all
    from orchestration.settings import Settings

    root = tmp_path_factory.mktemp("killed")
    env = _env(root)
    generate(300, 9, Path(env["FUNNEL_LANDING_DIR"]))
    settings = Settings(
        Path(env["FUNNEL_LANDING_DIR"]), Path(env["FUNNEL_WAREHOUSE"]), root / "dagster_first"
    )
    with DagsterInstance.ephemeral() as instance:
        build_all(settings, instance=instance)
    published = published_tables(settings.published)
    Path(env["DAGSTER_HOME"]).mkdir()
    Path(env["DAGSTER_HOME"], "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    build = subprocess.Popen(
        [str(Path(sys.executable).parent / "funnel"), "build", "--full-refresh"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    dbt = _wait_for(
        lambda: [pid for pid in _processes_with("bin/dbt build") if _parent(pid) == build.pid],
        180,
        "dbt to start under funnel build",
    )
    _wait_for(lambda: _has_open(dbt[0], settings.warehouse), 180, "dbt to open the warehouse")
    time.sleep(4)  # mid-way through the models
    assert build.poll() is None, "the build ended before it was killed"
    build.send_signal(signal.SIGKILL)
    build.wait()
    return {
        "root": root,
        "env": env,
        "dbt_pids": dbt,
        "settings": settings,
        "published_before": published,
    }


def test_a_killed_full_refresh_leaves_readers_the_marts_of_the_build_before(
    killed_build,
) -> None:
    settings = killed_build["settings"]
    before = killed_build["published_before"]
    after = published_tables(settings.published)
    assert sorted(after) == sorted(before)
    assert {"marts.dim_leads", "marts.fct_funnel_conversion"} <= set(after)
    for name, frame in before.items():
        assert frame.equals(after[name]), f"{name} changed under a killed build"
    assert partial_snapshots(settings.published) == []


def test_the_dbt_child_dies_with_a_killed_build(killed_build) -> None:
    def gone() -> bool:
        return not any(Path(f"/proc/{pid}").exists() for pid in killed_build["dbt_pids"])

    assert _wait_for(gone, 30, "the dbt child to end")


PARENT_OF_A_LONG_CHILD = """
import subprocess, sys, time
child = subprocess.Popen(
    [sys.executable, "-c", sys.argv[1]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
)
print(child.pid, flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("dies_with_parent", [True, False])
def test_a_dbt_child_dies_with_its_parent_even_when_its_output_is_no_pipe(
    dies_with_parent: bool, tmp_path: Path
) -> None:
    """dbt_child asks the kernel for SIGKILL when its parent dies: a child writing nowhere that
    a dead parent's pipe would break (output to a file, a quiet phase) is not left running. The
    control case, without it, outlives its killed parent."""
    ready = tmp_path / "ready"
    setup = "from orchestration.runner.dbt_child import _die_with_parent; _die_with_parent(); "
    body = (setup if dies_with_parent else "") + (
        f"from pathlib import Path; Path({str(ready)!r}).write_text('up'); "
        "import time; time.sleep(60)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_OF_A_LONG_CHILD, body],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        _wait_for(ready.exists, 30, "the child to be running")
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        if dies_with_parent:
            _wait_for(lambda: _zombie(child), 10, "the child to die with its parent")
        else:
            time.sleep(1)
            assert not _zombie(child), "the control child outlives its parent"
    finally:
        parent.kill()
        if not _zombie(child):
            os.kill(child, signal.SIGKILL)


def _zombie(pid: int) -> bool:
    """Gone, or dead and waiting for its (init) parent to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_a_killed_build_is_marked_failed_alerts_and_the_next_tick_builds(
    killed_build, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster import (
        DagsterInstance,
        DagsterRunStatus,
        RunRequest,
        build_schedule_context,
        build_sensor_context,
    )

    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.schedules import ScheduleSettings, refresh_schedule
    from orchestration.defs.sensors import funnel_alerts, funnel_landing_sensor

    env = killed_build["env"]
    for key in ("FUNNEL_LANDING_DIR", "FUNNEL_WAREHOUSE", "DAGSTER_HOME"):
        monkeypatch.setenv(key, env[key])
    resources = {"warehouse": WarehouseResource()}
    with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        (record,) = instance.get_run_records()
        assert record.dagster_run.status == DagsterRunStatus.STARTED, "killed: it never ended"
        tick = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
        schedule = refresh_schedule(ScheduleSettings.from_env())
        request = schedule(build_schedule_context(instance=instance, scheduled_execution_time=tick))
        assert isinstance(request, RunRequest), request
        run = instance.get_run_by_id(record.dagster_run.run_id)
        assert run.status == DagsterRunStatus.FAILURE
        with build_sensor_context(instance=instance, resources=resources) as context:
            sensed = funnel_landing_sensor(context)
        assert "a build is in progress" not in str(getattr(sensed, "skip_message", "") or "")
        with webhook_server() as hook:
            monkeypatch.setenv("FUNNEL_ALERT_URLS", hook.url)
            with build_sensor_context(instance=instance, resources=resources) as context:
                funnel_alerts(context)
        (message,) = hook.received
    assert message["title"].startswith("[funnel] run failed")
    assert "is gone" in message["message"] and run.run_id in message["message"]
