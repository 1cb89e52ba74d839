"""The expectation suites of the BI-facing marts, as plain data.

Each suite names a mart, its key (to report *which* rows fail, not just the bad values) and the
rules whose failure means the mart is wrong: scores outside [0, 100], rates outside [0, 1],
duplicate or missing keys, stage timestamps out of order. The row-count drift rule is built at
run time from the previous build's count (see ``row_count_rule``), because its bounds are not
known in advance.

Rules are Great Expectations expectation types (snake_case) with their keyword arguments, so
this module stays importable without Great Expectations and reads as a specification. The
checks read only the columns a suite names, which keeps a 1M-lead mart cheap to validate.

Stage order: only orders the models guarantee by construction are expectations; orders real
funnels break (an SQL without an SAL, an opportunity without an SQL: the ``has_skipped_*``
flags) are facts, not defects. Guaranteed are: an MQL after the lead's creation (activities
before creation are quarantined in staging), the latest MQL after the first, the first sales
touch after the MQL it answers, statuses of an episode after its MQL, and a close (won or lost)
after the opportunity's creation.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "marts"
DEFAULT_ROW_COUNT_TOLERANCE = 0.5
# Overrides every suite's tolerance, e.g. for a planned backfill that doubles a mart.
TOLERANCE_ENV = "FUNNEL_GE_ROW_COUNT_TOLERANCE"

COLUMN_ARGUMENTS = ("column", "column_A", "column_B")


@dataclass(frozen=True)
class Rule:
    """One expectation: its Great Expectations type and keyword arguments, plus a short label
    for the Dagster UI ("lead_score in [0, 100]")."""

    expectation: str
    kwargs: Mapping[str, Any]
    label: str

    @property
    def columns(self) -> tuple[str, ...]:
        names = [self.kwargs[arg] for arg in COLUMN_ARGUMENTS if arg in self.kwargs]
        names += list(self.kwargs.get("column_list", ()))
        return tuple(names)


@dataclass(frozen=True)
class Suite:
    """The rules of one mart. ``key`` identifies a row in failure reports."""

    mart: str
    key: tuple[str, ...]
    rules: tuple[Rule, ...]
    row_count_tolerance: float = DEFAULT_ROW_COUNT_TOLERANCE
    schema: str = field(default=SCHEMA)

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.mart}"

    @property
    def columns(self) -> tuple[str, ...]:
        """Key columns first, then every column a rule reads, each once."""
        seen: dict[str, None] = dict.fromkeys(self.key)
        for rule in self.rules:
            seen.update(dict.fromkeys(rule.columns))
        return tuple(seen)

    def tolerance(self) -> float:
        """The allowed relative change of the row count; the environment overrides the suite."""
        value = os.environ.get(TOLERANCE_ENV)
        return float(value) if value else self.row_count_tolerance


def in_range(low: float, high: float, *columns: str) -> tuple[Rule, ...]:
    """Values within [low, high]; nulls are ignored (a rate over zero leads is null)."""
    return tuple(
        Rule(
            "expect_column_values_to_be_between",
            {"column": column, "min_value": low, "max_value": high},
            f"{column} in [{low:g}, {high:g}]",
        )
        for column in columns
    )


def unique_key(*columns: str) -> tuple[Rule, ...]:
    """A key: not null and unique (one column), or unique as a combination (several)."""
    if len(columns) > 1:
        return (
            Rule(
                "expect_compound_columns_to_be_unique",
                {"column_list": list(columns)},
                f"({', '.join(columns)}) unique",
            ),
        )
    (column,) = columns
    return (
        Rule("expect_column_values_to_not_be_null", {"column": column}, f"{column} not null"),
        Rule("expect_column_values_to_be_unique", {"column": column}, f"{column} unique"),
    )


def not_before(later: str, earlier: str) -> Rule:
    """``later`` >= ``earlier`` wherever both are set (a stage not reached is null)."""
    return Rule(
        "expect_column_pair_values_a_to_be_greater_than_b",
        {
            "column_A": later,
            "column_B": earlier,
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        f"{later} >= {earlier}",
    )


def row_count_rule(previous: int, tolerance: float) -> Rule:
    """The row count within ``tolerance`` (relative) of the previous build's."""
    low = max(0, math.ceil(previous * (1 - tolerance)))
    high = math.floor(previous * (1 + tolerance))
    return Rule(
        "expect_table_row_count_to_be_between",
        {"min_value": low, "max_value": high},
        f"row count in [{low}, {high}] (previous {previous} ± {tolerance:.0%})",
    )


SCORES = ("fit_score", "engagement_score", "lead_score")

SUITES: tuple[Suite, ...] = (
    Suite(
        mart="fct_lead_score_events",
        key=("activity_id",),
        rules=(*unique_key("activity_id"), *in_range(0, 100, *SCORES)),
    ),
    Suite(
        mart="fct_mql_events",
        key=("mql_id",),
        rules=(
            *unique_key("mql_id"),
            *in_range(0, 100, *SCORES),
            not_before("first_sales_touch_at", "mql_at"),
            not_before("accepted_at", "mql_at"),
            not_before("qualified_at", "mql_at"),
        ),
    ),
    Suite(
        mart="dim_leads",
        key=("lead_id",),
        rules=(
            *unique_key("lead_id"),
            *in_range(0, 100, *SCORES),
            not_before("first_mql_at", "created_at"),
            not_before("latest_mql_at", "first_mql_at"),
        ),
    ),
    Suite(
        mart="fct_lead_funnel",
        key=("lead_id",),
        rules=(
            *unique_key("lead_id"),
            not_before("first_mql_at", "created_at"),
            not_before("latest_mql_at", "first_mql_at"),
            not_before("first_sales_touch_at", "first_mql_at"),
            not_before("won_at", "opportunity_created_at"),
            not_before("lost_at", "opportunity_created_at"),
        ),
    ),
    Suite(
        mart="fct_funnel_conversion",
        key=("cohort", "channel"),
        rules=(
            *unique_key("cohort", "channel"),
            *in_range(
                0,
                1,
                "lead_to_mql_rate",
                "sales_acceptance_rate",
                "mql_to_sql_rate",
                "sql_to_opportunity_rate",
                "opportunity_to_won_rate",
            ),
        ),
    ),
    Suite(
        mart="rpt_speed_to_lead",
        key=("channel", "response_bucket"),
        rules=(
            *unique_key("channel", "response_bucket"),
            *in_range(0, 1, "mql_to_sql_rate", "within_48h_rate", "after_48h_rate"),
        ),
    ),
    Suite(
        mart="fct_account_qualification",
        key=("account_id",),
        rules=(
            *unique_key("account_id"),
            not_before("leads", "engaged_people"),
            not_before("engaged_people", "people_at_qualification"),
        ),
    ),
    Suite(
        mart="rpt_funnel_health",
        key=("month_start_date",),
        rules=(
            *unique_key("month_start_date"),
            *in_range(0, 1, "top_channel_share", "sla_compliance_rate"),
        ),
    ),
    Suite(
        mart="rpt_mql_definition_backtest",
        key=("definition_version", "channel"),
        rules=(
            *unique_key("definition_version", "channel"),
            *in_range(0, 1, "mql_to_sql_rate", "mql_to_won_rate"),
        ),
    ),
)

SUITES_BY_MART: dict[str, Suite] = {suite.mart: suite for suite in SUITES}
