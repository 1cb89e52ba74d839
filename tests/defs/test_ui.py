"""`make dev`'s command serves the code location: the Dagster UI on 127.0.0.1 answers, and its
GraphQL API lists the marts, the summary asset, the schedules and the sensors."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from orchestration.settings import PROJECT_DIR

STARTUP_SECONDS = 120
ASSETS_QUERY = "{ assetNodes { assetKey { path } groupName } }"
AUTOMATION_QUERY = (
    "{ repositoriesOrError { ... on RepositoryConnection { nodes { "
    "schedules { name } sensors { name } } } } }"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8", "replace")


def _graphql(base: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    assert "errors" not in payload, payload.get("errors")
    return payload["data"]


def _stop(process: subprocess.Popen) -> None:
    """Stop the whole process group (webserver, daemon, code servers): an interrupt as Ctrl-C
    sends, which `dagster dev` shuts down on cleanly, then terminate, then kill."""
    for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_for_marts(base: str, process: subprocess.Popen, log: Path) -> list[dict]:
    """Polls until the code location has loaded (the webserver answers before it has)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dagster dev exited early:\n{log.read_text()[-3000:]}")
        try:
            nodes = _graphql(base, ASSETS_QUERY)["assetNodes"]
            if any(node["assetKey"]["path"][0] == "marts" for node in nodes):
                return nodes
        except (urllib.error.URLError, ConnectionError, TimeoutError, AssertionError) as error:
            last_error = str(error)
        time.sleep(1)
    raise AssertionError(
        f"no marts after {STARTUP_SECONDS}s ({last_error}):\n{log.read_text()[-3000:]}"
    )


def test_dagster_dev_serves_the_ui_and_lists_the_marts(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    venv_bin = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        # As `make dev` does: dagster-dbt looks dbt up on PATH when the code location loads.
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        "DAGSTER_HOME": str(home),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "FUNNEL_WAREHOUSE": str(tmp_path / "funnel.duckdb"),
        "FUNNEL_LANDING_DIR": str(tmp_path / "landing"),
        "FUNNEL_ALERT_URLS": "",
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(Path(venv_bin) / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)]
    command += ["-m", "orchestration.definitions"]
    log = tmp_path / "dagster_dev.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        nodes = _wait_for_marts(base, process, log)
        status, page = _get(f"{base}/")
        assert status == 200 and "<html" in page.lower()
        keys = {"/".join(node["assetKey"]["path"]): node["groupName"] for node in nodes}
        for mart in ("fct_lead_funnel", "fct_funnel_conversion", "fct_mql_events", "dim_leads"):
            assert keys.get(f"marts/{mart}") == "marts"
        assert keys.get("marts/funnel_summary") == "marts"
        assert "raw/leads" in keys
        (repository,) = _graphql(base, AUTOMATION_QUERY)["repositoriesOrError"]["nodes"]
        assert {s["name"] for s in repository["schedules"]} >= {"funnel_daily_refresh"}
        assert {s["name"] for s in repository["sensors"]} >= {
            "funnel_landing_sensor",
            "funnel_alerts",
        }
    finally:
        _stop(process)
    assert process.poll() is not None
