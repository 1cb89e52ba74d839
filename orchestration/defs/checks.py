"""Great Expectations suites run as Dagster asset checks on the marts they guard.

One multi-asset check per guarded mart (``ge_<mart>``) reads the suite's columns once and
reports two checks on the mart's asset:

- ``ge_suite`` (severity ERROR): the rules whose failure means the mart is wrong (ranges, keys,
  stage order; see orchestration/quality/suites.py);
- ``ge_row_count_drift`` (severity WARN): the row count against the previous build's, within
  the suite's tolerance (default 50%, env FUNNEL_GE_ROW_COUNT_TOLERANCE); the first build has
  no baseline and passes. It is a table-level expectation, so its failing_rows is 0 and the
  counts are in row_count / previous_row_count / change.

Both are non-blocking: the dbt tests already stop a broken build where they can, and these
checks are the BI-facing verdict (with the failing keys) rather than a gate. They target the
dbt assets' keys, so the implicit asset job runs them right after ``dbt build`` succeeds.

Every result carries failing_rows, sample_failing_keys (up to 10 key values of failing rows),
expectations_evaluated / expectations_failed and seconds (read + validation).

A check never raises for bad data or a mart it cannot read: it reports a failed check with the
error, so the rest of the run (and the other marts' checks) still completes.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from orchestration.defs.resources import WarehouseResource
from orchestration.quality.runner import (
    SAMPLE_KEYS,
    SuiteResult,
    read_frame,
    run_rules,
    run_suite,
)
from orchestration.quality.suites import SUITES, Suite, row_count_rule
from orchestration.quality.warehouse import (
    ROW_COUNTS,
    connect,
    previous_row_count,
    record_row_count,
)

SUITE_CHECK = "ge_suite"
DRIFT_CHECK = "ge_row_count_drift"


def asset_key(suite: Suite) -> AssetKey:
    """dbt assets are keyed <schema>/<model>."""
    return AssetKey([suite.schema, suite.mart])


def evaluate(suite: Suite, warehouse: Path, *, run_id: str = "") -> list[AssetCheckResult]:
    """Both checks of one mart: reads the suite's columns (read-only), validates them, then
    records the row count as the next build's baseline. Plain function so tests can run it on
    a copy of a warehouse without a Dagster run."""
    started = time.perf_counter()
    try:
        with connect(warehouse, read_only=True) as con:
            frame = read_frame(con, suite)
            previous = previous_row_count(con, suite.mart)
    except duckdb.Error as exc:
        return _errored(suite, "could not be read", exc, time.perf_counter() - started)
    read_seconds = time.perf_counter() - started

    tolerance = suite.tolerance()
    drift_rules = [] if previous is None else [row_count_rule(previous, tolerance)]
    try:
        rules = run_suite(suite, frame)
        drift = run_rules(f"{suite.mart}_row_count", drift_rules, frame, suite.key)
    except Exception as exc:  # a GE failure must not take the run down: report it
        return _errored(suite, "could not be validated", exc, time.perf_counter() - started)

    try:
        with connect(warehouse, read_only=False) as con:
            record_row_count(con, suite.mart, len(frame), run_id)
        recorded = True
    except duckdb.Error:
        recorded = False  # reported in the metadata; the next build compares with an older count

    rows = len(frame)
    if previous is None:
        change = None
        verdict = f"{rows:,} rows; no previous build recorded, this is the baseline"
    else:
        change = (rows - previous) / previous if previous else (0.0 if not rows else 1.0)
        verdict = (
            f"{rows:,} rows vs {previous:,} in the previous build "
            f"({change:+.1%}, tolerance ±{tolerance:.0%})"
        )
    drift_metadata: dict[str, Any] = {
        "row_count": rows,
        # null before the first baseline (the first build passes)
        "previous_row_count": MetadataValue.null() if previous is None else previous,
        "change": MetadataValue.null() if change is None else MetadataValue.float(change),
        "tolerance": MetadataValue.float(tolerance),
        "baseline_recorded": recorded,
        "baseline_table": ROW_COUNTS,
    }
    return [
        _result(suite, SUITE_CHECK, rules, AssetCheckSeverity.ERROR, read_seconds),
        _result(
            suite,
            DRIFT_CHECK,
            drift,
            AssetCheckSeverity.WARN,
            read_seconds,
            drift_metadata,
            summary=f"{suite.mart}: {verdict}",
        ),
    ]


def _result(
    suite: Suite,
    check_name: str,
    result: SuiteResult,
    severity: AssetCheckSeverity,
    read_seconds: float,
    extra: dict[str, Any] | None = None,
    *,
    summary: str | None = None,
) -> AssetCheckResult:
    summary = summary or result.summary()
    metadata: dict[str, Any] = {
        "failing_rows": result.failing_rows,
        "sample_failing_keys": MetadataValue.json(result.sample_failing_keys(SAMPLE_KEYS)),
        "key_columns": ", ".join(suite.key),
        "expectations_evaluated": len(result.outcomes),
        "expectations_failed": len(result.failed),
        "failed_expectations": MetadataValue.json([o.label for o in result.failed]),
        "rows": result.rows,
        "seconds": MetadataValue.float(round(read_seconds + result.seconds, 3)),
        "read_seconds": MetadataValue.float(round(read_seconds, 3)),
        "summary": MetadataValue.text(summary),
        **(extra or {}),
    }
    if result.outcomes:
        metadata["expectations"] = MetadataValue.md(result.outcomes_markdown())
    return AssetCheckResult(
        asset_key=asset_key(suite),
        check_name=check_name,
        passed=result.success,
        severity=severity,
        metadata=metadata,
        description=summary,
    )


def _errored(suite: Suite, what: str, exc: Exception, seconds: float) -> list[AssetCheckResult]:
    """The mart could not be read (missing table or column) or validated: both checks fail
    with the error instead of failing the run."""
    message = str(exc).strip().splitlines()[0][:300]
    return [
        AssetCheckResult(
            asset_key=asset_key(suite),
            check_name=name,
            passed=False,
            severity=severity,
            metadata={
                "error": message,
                "failing_rows": 0,
                "sample_failing_keys": MetadataValue.json([]),
                "expectations_evaluated": 0,
                "expectations_failed": 0,
                "seconds": MetadataValue.float(round(seconds, 3)),
            },
            description=f"{suite.relation} {what}: {message}",
        )
        for name, severity in (
            (SUITE_CHECK, AssetCheckSeverity.ERROR),
            (DRIFT_CHECK, AssetCheckSeverity.WARN),
        )
    ]


def build_check(suite: Suite) -> AssetChecksDefinition:
    """The multi-asset check of one mart: one step, one read, two check results."""
    key = asset_key(suite)
    rules = "; ".join(rule.label for rule in suite.rules)

    @multi_asset_check(
        specs=[
            AssetCheckSpec(
                SUITE_CHECK,
                asset=key,
                blocking=False,
                description=f"Great Expectations suite (ERROR): {rules}.",
            ),
            AssetCheckSpec(
                DRIFT_CHECK,
                asset=key,
                blocking=False,
                description=(
                    "Row count within the tolerance of the previous build's "
                    f"(default {suite.row_count_tolerance:.0%}; WARN)."
                ),
            ),
        ],
        name=f"ge_{suite.mart}",
        description=f"Great Expectations checks of {suite.relation}.",
    )
    def _check(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[AssetCheckResult]:
        results = evaluate(
            suite, warehouse.settings().warehouse, run_id=context.op_execution_context.run_id
        )
        for result in results:
            log = context.log.info if result.passed else context.log.warning
            log(f"{result.check_name}: {result.description}")
        yield from results

    return _check


def build_checks(suites: Iterable[Suite] = SUITES) -> list[AssetChecksDefinition]:
    """One check definition per suite: adding a mart to SUITES is all it takes to guard it."""
    return [build_check(suite) for suite in suites]


ASSET_CHECKS: list[AssetChecksDefinition] = build_checks()
