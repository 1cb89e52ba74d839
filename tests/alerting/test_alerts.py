"""Alert wording, the one-alert-per-failure rule, delivery through Apprise to a local webhook,
and the sample of failing keys read back from a dbt test's compiled SQL."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
import pytest
from webhook import webhook_server

from orchestration.alerting.alerts import (
    CheckFailure,
    FinishedRun,
    StepFailure,
    alert_urls,
    format_check_alert,
    format_run_alert,
    format_warning_digest,
    plan_run_alerts,
    run_url,
    send_alert,
)
from orchestration.alerting.failing_keys import with_sample_keys

BASE = "http://dagster.example:3000"
RUN = "0123456789abcdef"


def _failure(**overrides: object) -> CheckFailure:
    values: dict = {
        "run_id": RUN,
        "asset": "marts/fct_mql_events",
        "check_name": "relationships_fct_mql_events_lead_id__lead_id__ref_dim_leads_",
        "severity": "ERROR",
        "step_key": "funnel_dbt_assets",
        "failed_rows": 3,
        "dbt_unique_id": "test.lead_funnel.relationships_fct_mql_events_lead_id.abc",
        "dbt_invocation_id": "inv-1",
        "sample_keys": ("L1", "L2", "L3"),
    }
    values.update(overrides)
    return CheckFailure(**values)


def test_check_alert_names_check_asset_count_keys_and_run_link() -> None:
    alert = format_check_alert(_failure(), BASE)
    assert alert.level == "error"
    assert "relationships_fct_mql_events_lead_id__lead_id__ref_dim_leads_" in alert.title
    assert "marts/fct_mql_events" in alert.title
    assert "Failing rows: 3" in alert.body
    assert "Failing keys (sample): L1, L2, L3" in alert.body
    assert f"Run: {BASE}/runs/{RUN}" in alert.body


def test_check_alert_says_why_keys_are_missing() -> None:
    alert = format_check_alert(_failure(sample_keys=(), keys_note="warehouse busy"), BASE)
    assert "Failing keys: not available (warehouse busy)" in alert.body
    many = format_check_alert(_failure(failed_rows=40), BASE)
    assert "L1, L2, L3 ..." in many.body, "more failing rows than keys shown says so"


def test_run_url_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNNEL_DAGSTER_URL", raising=False)
    assert run_url("r1") == "http://127.0.0.1:3000/runs/r1"
    monkeypatch.setenv("FUNNEL_DAGSTER_URL", "https://dagster.internal/")
    assert run_url("r1") == "https://dagster.internal/runs/r1"


def test_alert_urls_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNNEL_ALERT_URLS", " json://a:1/x , ,mailto://u:p@h ")
    assert alert_urls() == ["json://a:1/x", "mailto://u:p@h"]
    monkeypatch.delenv("FUNNEL_ALERT_URLS")
    assert alert_urls() == []


def test_a_failed_check_that_failed_its_step_is_one_alert_not_two() -> None:
    run = FinishedRun(
        run_id=RUN,
        job_name="funnel_refresh",
        succeeded=False,
        check_failures=(_failure(), _failure(), _failure(severity="WARN", check_name="w")),
        step_failures=(StepFailure("funnel_dbt_assets", "dbt exited with 1"),),
    )
    alerts = plan_run_alerts(run, BASE)
    assert [a.key for a in alerts] == [f"check:{RUN}:marts/fct_mql_events:{_failure().check_name}"]


def test_an_unexplained_step_failure_is_its_own_alert() -> None:
    run = FinishedRun(
        run_id=RUN,
        job_name="funnel_refresh",
        succeeded=False,
        check_failures=(_failure(),),
        step_failures=(
            StepFailure("funnel_dbt_assets", "dbt exited with 1"),
            StepFailure("load_landing", "LandingFileChangedError: leads/a.csv changed"),
        ),
    )
    alerts = plan_run_alerts(run, BASE)
    assert len(alerts) == 2
    assert "load_landing: LandingFileChangedError" in alerts[1].body
    assert "funnel_dbt_assets" not in alerts[1].body


def test_run_failure_without_checks_and_clean_success() -> None:
    crashed = FinishedRun(RUN, "funnel_refresh", succeeded=False, run_error="worker died")
    (alert,) = plan_run_alerts(crashed, BASE)
    assert alert.title.startswith("[funnel] run failed: funnel_refresh")
    assert "Error: worker died" in alert.body
    assert plan_run_alerts(FinishedRun(RUN, "funnel_refresh", succeeded=True), BASE) == []
    long = format_run_alert(crashed, [StepFailure("s", "x" * 5000)], BASE)
    assert len(long.body) < 1000, "errors are cut short"


def test_non_blocking_error_check_on_a_successful_run_still_alerts() -> None:
    run = FinishedRun(RUN, "funnel_refresh", succeeded=True, check_failures=(_failure(),))
    assert len(plan_run_alerts(run, BASE)) == 1


def test_digest_has_one_line_per_check_however_many_runs() -> None:
    warnings = [
        _failure(severity="WARN", run_id="run-a", check_name="orphans", failed_rows=2),
        _failure(severity="WARN", run_id="run-b", check_name="orphans", failed_rows=5),
        _failure(severity="WARN", run_id="run-b", asset="marts/x", check_name="band"),
        _failure(severity="ERROR", run_id="run-b", check_name="not a warning"),
    ]
    digest = format_warning_digest(warnings, "the day", BASE)
    assert digest is not None
    lines = digest.body.splitlines()
    assert lines[0] == "2 warning(s) in the day:"
    assert len(lines) == 3
    orphans = next(line for line in lines if ": orphans:" in line)
    assert "5 failing row(s)" in orphans and "in 2 run(s)" in orphans
    assert f"{BASE}/runs/run-b" in orphans
    assert format_warning_digest(warnings[-1:], "the day", BASE) is None


def test_send_alert_posts_to_the_webhook_and_falls_back_to_the_log(caplog) -> None:
    alert = format_check_alert(_failure(), BASE)
    with webhook_server() as hook:
        assert send_alert(alert, [hook.url])
        assert len(hook.received) == 1
        message = hook.received[0]
        assert message["title"] == alert.title
        assert message["message"] == alert.body
        assert message["type"] == "failure"
    with caplog.at_level(logging.WARNING, logger="orchestration.alerting.alerts"):
        assert send_alert(alert, [])
    assert alert.title in caplog.text


def test_failing_keys_come_from_the_compiled_test(tmp_path: Path) -> None:
    warehouse = tmp_path / "funnel.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table leads as select 'L' || i as lead_id from range(3) t(i)")
        con.execute("create table events as select 'L' || i as lead_id from range(6) t(i)")
    sql = (
        "select events.lead_id from funnel.main.events left join funnel.main.leads "
        "using (lead_id) where leads.lead_id is null order by 1\n-- a trailing comment"
    )
    target = tmp_path / "target" / f"funnel_dbt_assets-{RUN[:7]}-aaaaaaa"
    target.mkdir(parents=True)
    results = {
        "metadata": {"invocation_id": "inv-1"},
        "results": [{"unique_id": _failure().dbt_unique_id, "compiled_code": sql}],
    }
    (target / "run_results.json").write_text(json.dumps(results))
    found = with_sample_keys(_failure(sample_keys=()), warehouse, target_root=tmp_path / "target")
    assert found.sample_keys == ("L3", "L4", "L5")
    other_invocation = _failure(sample_keys=(), dbt_invocation_id="inv-2")
    missing = with_sample_keys(other_invocation, warehouse, target_root=tmp_path / "target")
    assert missing.sample_keys == () and "no longer in target/" in missing.keys_note
    python_check = _failure(sample_keys=(), dbt_unique_id=None)
    assert with_sample_keys(python_check, warehouse).keys_note == "not a dbt test"
    reported = _failure(dbt_unique_id=None, sample_keys=("K1",))
    assert with_sample_keys(reported, warehouse) == reported, "a check's own keys are kept"


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_failure_alert_is_sent_once_and_redelivered_after_an_outage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alert sensor on a real instance: a failed run (no checks) gives one run alert; while
    the webhook is down it waits in the cursor, and goes out on the next tick."""
    from dagster import build_sensor_context, instance_for_test, job, op

    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.sensors import funnel_alerts

    @op
    def load_something() -> None:
        raise ValueError("leads/batch_0002.csv: missing required column(s) lead_id")

    @job
    def broken_job() -> None:
        load_something()

    resources = {"warehouse": WarehouseResource(warehouse=str(tmp_path / "none.duckdb"))}
    with instance_for_test(set_dagster_home=False) as instance:
        run = broken_job.execute_in_process(instance=instance, raise_on_error=False)
        assert not run.success
        monkeypatch.setenv("FUNNEL_ALERT_URLS", f"json://127.0.0.1:{_closed_port()}/down")
        with build_sensor_context(instance=instance, resources=resources) as context:
            first = funnel_alerts(context)
            cursor = context.cursor
        assert "1 new alert(s), 1 awaiting redelivery" in first.skip_message
        with webhook_server() as hook:
            monkeypatch.setenv("FUNNEL_ALERT_URLS", hook.url)
            for _ in range(2):
                with build_sensor_context(
                    instance=instance, cursor=cursor, resources=resources
                ) as context:
                    funnel_alerts(context)
                    cursor = context.cursor
        (message,) = hook.received
        assert message["title"].startswith("[funnel] run failed: broken_job")
        assert (
            "load_something: ValueError: leads/batch_0002.csv: missing required"
            in message["message"]
        )
        assert f"/runs/{run.run_id}" in message["message"]
