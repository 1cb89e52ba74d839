"""Validate a DataFrame against a suite with Great Expectations and say which rows fail.

Great Expectations runs on pandas here: its SQL datasource returns empty, failing results on
DuckDB, and a mart's few suite columns fit in memory even at a million leads. The context is
ephemeral (no ``gx/`` directory, nothing written). Great Expectations is imported inside
``run_rules`` only, because the import takes about ten seconds.

Failing rows are reported by the mart's key, not just by the bad values: a BI user can look up
``A000123`` but not "lead_score 130". GE gives the DataFrame index of the first failing rows
(``partial_unexpected_index_list``); the keys are read from the frame at those positions.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orchestration.quality.suites import Rule, Suite

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

SAMPLE_KEYS = 10
# Failing rows GE reports by index per expectation: enough for SAMPLE_KEYS distinct keys even
# when duplicates come in groups, small enough that a mart that fails everywhere stays cheap.
PARTIAL_ROWS = 200
NULL_KEY = "<null>"
RULE_META = "funnel_rule"


@dataclass(frozen=True)
class ExpectationOutcome:
    """One rule's verdict: GE's unexpected_count and the keys of (a sample of) its bad rows."""

    label: str
    expectation: str
    success: bool
    unexpected_count: int = 0
    failing_keys: tuple[str, ...] = ()
    observed_value: Any = None
    error: str | None = None


@dataclass(frozen=True)
class SuiteResult:
    """The outcome of one suite on one frame, shaped for an AssetCheckResult."""

    name: str
    rows: int
    outcomes: tuple[ExpectationOutcome, ...]
    seconds: float
    key: tuple[str, ...] = field(default=())

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.success)

    @property
    def failing_rows(self) -> int:
        """Rows failing, summed over the expectations (GE's unexpected_count each)."""
        return sum(outcome.unexpected_count for outcome in self.outcomes)

    def sample_failing_keys(self, limit: int = SAMPLE_KEYS) -> list[str]:
        """Distinct keys of failing rows over every failed expectation, sorted, at most
        ``limit``: deterministic, so two runs over the same data report the same keys."""
        keys = {key for outcome in self.failed for key in outcome.failing_keys}
        return sorted(keys)[:limit]

    def summary(self) -> str:
        """One line for logs and the Dagster UI."""
        passed = len(self.outcomes) - len(self.failed)
        line = (
            f"{self.name}: {passed}/{len(self.outcomes)} expectations passed "
            f"on {self.rows:,} rows in {self.seconds:.2f}s"
        )
        if self.failed:
            parts = []
            for outcome in self.failed:
                detail = outcome.error or f"{outcome.unexpected_count} failing"
                keys = ", ".join(outcome.failing_keys[:3])
                parts.append(f"{outcome.label} ({detail}{': ' + keys if keys else ''})")
            line += "; failed: " + "; ".join(parts)
        return line

    def outcomes_markdown(self) -> str:
        """A table of every expectation, for the check's metadata."""
        lines = ["| expectation | passed | failing rows | sample keys |", "|---|---|---|---|"]
        for outcome in self.outcomes:
            keys = ", ".join(outcome.failing_keys[:SAMPLE_KEYS]) or outcome.error or ""
            lines.append(
                f"| {outcome.label} | {'yes' if outcome.success else 'NO'} "
                f"| {outcome.unexpected_count} | {keys.replace('|', '/')} |"
            )
        return "\n".join(lines)


def select_sql(suite: Suite) -> str:
    """Only the columns the suite reads: a mart has up to ~40, the suite needs two to six."""
    columns = ", ".join(f'"{column}"' for column in suite.columns)
    return f'select {columns} from "{suite.schema}"."{suite.mart}"'


def read_frame(con: duckdb.DuckDBPyConnection, suite: Suite) -> pd.DataFrame:
    """Through Arrow: for 19M rows of string keys about three times faster than ``.df()``."""
    return con.sql(select_sql(suite)).to_arrow_table().to_pandas()


def format_key(values: Sequence[Any]) -> str:
    """A key as text: the value, or the values of a compound key joined by ' | '."""
    return " | ".join(NULL_KEY if _is_null(value) else str(value) for value in values)


def _is_null(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))  # None, NaN, NaT, pd.NA


def _keys_at(frame: pd.DataFrame, key: Sequence[str], index: Sequence[Any]) -> tuple[str, ...]:
    """The distinct keys of the rows at ``index`` (DataFrame labels), in first-seen order."""
    if not index or not key:
        return ()
    rows = frame.loc[list(index), list(key)].itertuples(index=False, name=None)
    return tuple(dict.fromkeys(format_key(row) for row in rows))


def _expectation(rule: Rule, position: int) -> Any:
    """The GE expectation object for a rule (snake_case type -> class in gx.expectations)."""
    import great_expectations.expectations as gxe

    class_name = "".join(part.capitalize() for part in rule.expectation.split("_"))
    return getattr(gxe, class_name)(**dict(rule.kwargs), meta={RULE_META: position})


def run_rules(
    name: str, rules: Sequence[Rule], frame: pd.DataFrame, key: Sequence[str] = ()
) -> SuiteResult:
    """Validates ``frame`` against ``rules`` in an ephemeral GE context.

    An expectation that errors (a column the mart no longer has) is reported as failed with the
    error, not raised: the check must say which rule broke, and the others still count.
    """
    if not rules:
        return SuiteResult(name, len(frame), (), 0.0, tuple(key))

    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    started = time.perf_counter()  # after the import: it is paid once per process
    # In-memory stores and no data-docs site: nothing touches the file system.
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch_definition = (
        context.data_sources.add_pandas(f"{name}_source")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(f"{name}_batch")
    )
    suite = gx.ExpectationSuite(
        name=name, expectations=[_expectation(rule, i) for i, rule in enumerate(rules)]
    )
    with _no_batch_fingerprint():
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        validation = batch.validate(
            suite,
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": PARTIAL_ROWS},
        )
    outcomes = [
        _outcome(rule, _result_for(i, validation.results), frame, key)
        for i, rule in enumerate(rules)
    ]
    return SuiteResult(name, len(frame), tuple(outcomes), time.perf_counter() - started, tuple(key))


@contextmanager
def _no_batch_fingerprint() -> Iterator[None]:
    """GE fingerprints every pandas batch under 1 GB by hashing the whole frame (an md5 over
    ``hash_pandas_object``), twice per validation, only to label the batch in results nobody
    stores here. On the 19M-row score ledger of a 1M-lead build that costs ~30 s, while its
    three range expectations take ~1 s. Lowering GE's threshold for the duration of a
    validation skips it (GE is pinned; if the knob moves, GE just hashes again)."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    if not hasattr(engine, "HASH_THRESHOLD"):
        yield
        return
    saved = engine.HASH_THRESHOLD
    engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = saved


def _result_for(position: int, results: Sequence[Any]) -> Any:
    """GE does not keep the suite's order in its results: match on the position we stamped
    into each expectation's meta."""
    for result in results:
        if (result.expectation_config.meta or {}).get(RULE_META) == position:
            return result
    raise LookupError(f"Great Expectations returned no result for rule {position}")


def _outcome(
    rule: Rule, result: Any, frame: pd.DataFrame, key: Sequence[str]
) -> ExpectationOutcome:
    error = _error_of(result.exception_info)
    if error:
        return ExpectationOutcome(rule.label, rule.expectation, False, error=error)
    details = result.result or {}
    index = details.get("partial_unexpected_index_list") or []
    return ExpectationOutcome(
        label=rule.label,
        expectation=rule.expectation,
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or 0),
        failing_keys=() if result.success else _keys_at(frame, key, index),
        observed_value=details.get("observed_value"),
    )


def _error_of(info: Any) -> str | None:
    """GE's exception info is flat ({raised_exception, exception_message}) for an expectation
    that failed to evaluate, or keyed by metric when a metric failed (a missing column)."""
    if not isinstance(info, dict):
        return None
    candidates = [info] + [value for value in info.values() if isinstance(value, dict)]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            message = str(candidate.get("exception_message") or "error").strip()
            return message.splitlines()[0][:200]
    return None


def run_suite(suite: Suite, frame: pd.DataFrame) -> SuiteResult:
    """The suite's rules on a frame holding (at least) ``suite.columns``."""
    return run_rules(suite.mart, suite.rules, frame, suite.key)
