"""One build at a time per warehouse, and a clear line for the second.

DuckDB allows one writer: a second build started while one runs failed on the file lock amid
hundreds of lines of tracebacks. Every writer (`funnel build`, a Dagster run's load and dbt
steps) takes an exclusive ``flock`` on ``<warehouse>.build.lock`` first. The kernel releases a
flock when its process dies, however it dies (``kill -9``, OOM, a restart), so a killed build
never leaves a stale lock behind; the file's text (pid, run, start) only names the holder in the
message of the build that was refused.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Locks this process holds, by lock path: `funnel build` takes the lock, then the run's steps
# (in the same process) take it again, which must not block on itself.
_HELD: dict[str, int] = {}


class BuildInProgress(RuntimeError):
    """Another build holds the warehouse."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".build.lock")


def _holder(path: Path) -> str:
    try:
        data = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "holder unknown"
    started = data.get("started_at")
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)) if started else "?"
    run = f", run {data['run_id']}" if data.get("run_id") else ""
    return f"pid {data.get('pid', '?')} on {data.get('host', '?')}{run}, since {since}"


@contextmanager
def build_lock(warehouse: Path, *, run_id: str = "") -> Iterator[None]:
    """Holds the warehouse's build lock for the block; raises BuildInProgress at once (no
    waiting: a scheduled tick or the user tries again) when another process holds it."""
    path = lock_path(warehouse)
    key = str(path.resolve())
    if key in _HELD:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BuildInProgress(
            f"another build is writing {warehouse} ({_holder(path)}); "
            "try again when it has finished"
        ) from None
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": time.time()}
    if run_id:
        holder["run_id"] = run_id
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode(), 0)
    _HELD[key] = fd
    try:
        yield
    finally:
        del _HELD[key]
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
