"""Runs dbt as a child that dies with its parent.

When only the `funnel` process (or a Dagster run worker) was killed, the dbt it had started ran
on and finished the build by itself, with no Dagster run to record it and no data checks after
it. dagster-dbt starts dbt as `dbt_executable args...`; the executable it is given
(`dbt_executable()`, a two-line script) runs this module, which asks Linux to send it SIGKILL
when its parent dies (prctl PR_SET_PDEATHSIG, kept across exec) and then becomes dbt. Where there
is no prctl (not Linux), it just becomes dbt.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def dbt_path() -> Path:
    return Path(sys.executable).parent / "dbt"


def dbt_executable(directory: Path) -> str:
    """A script in `directory` that runs dbt through this module, for DbtCliResource."""
    script = directory / "dbt-child"
    text = f'#!/bin/sh\nexec "{sys.executable}" -m orchestration.runner.dbt_child "$@"\n'
    if not script.exists() or script.read_text() != text:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = script.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.chmod(0o755)
        tmp.replace(script)
    return str(script)


def main() -> None:
    _die_with_parent()
    dbt = str(dbt_path())
    os.execv(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
