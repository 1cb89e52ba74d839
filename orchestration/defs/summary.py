"""The funnel's headline numbers as an asset, so the Dagster UI shows them on every build.

The numbers live in the materialization metadata (leads, MQLs, rates, pipeline, a table by
channel): the UI plots numeric metadata over time, so a drop in MQLs or pipeline is visible in
the asset's history without opening a BI tool. Counts are leads, as in fct_lead_funnel, so they
agree with fct_funnel_conversion; MQL->SQL is MQLs qualified inside an MQL episode over MQLs.

Young data (no mature cohort, no MQLs, no leads at all) is a normal build, not an error: a
missing (NULL) value counts as none, a rate without a denominator is left out or shown as '-',
and the by-channel table says why it is empty, so the asset still materializes.

The values the vocabularies did not map (quality.rpt_unmapped_values: lead sources in channel
'other', unknown countries, statuses, stages, activity types) are in it too: how many, plotted
per build, and the largest by rows, so a source falling into 'other' shows on the asset.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.defs.resources import WarehouseResource
from orchestration.serving.report import read_unmapped, unmapped_value_text

SUMMARY_KEY = AssetKey(["marts", "funnel_summary"])
LEAD_FUNNEL = AssetKey(["marts", "fct_lead_funnel"])
FUNNEL_CONVERSION = AssetKey(["marts", "fct_funnel_conversion"])

_COUNTS = """
    count(*) as leads,
    count(*) filter (where is_mql) as mqls,
    count(*) filter (where is_sql_after_mql) as sqls_from_mql,
    count(*) filter (where is_sql) as sqls,
    count(*) filter (where has_opportunity) as opportunities,
    count(*) filter (where is_won) as won,
    coalesce(sum(pipeline_amount), 0) as pipeline_amount,
    coalesce(sum(won_amount), 0) as won_amount
"""
TOTALS_SQL = f"select {_COUNTS} from marts.fct_lead_funnel"
BY_CHANNEL_SQL = f"""
with funnel as (
    select channel, {_COUNTS} from marts.fct_lead_funnel group by channel
),
mature as (
    select channel, mql_to_sql_rate, health_flag
    from marts.fct_funnel_conversion
    where cohort = 'all mature'
)
select funnel.*, mature.mql_to_sql_rate as mature_mql_to_sql_rate, mature.health_flag
from funnel
left join mature on funnel.channel = mature.channel
order by funnel.leads desc, funnel.channel
"""
MATURE_ALL_SQL = """
select mql_to_sql_rate from marts.fct_funnel_conversion
where cohort = 'all mature' and channel = 'all'
"""
COLUMNS = (
    "leads",
    "mqls",
    "sqls_from_mql",
    "sqls",
    "opportunities",
    "won",
    "pipeline_amount",
    "won_amount",
)


NO_LEADS_NOTE = "no leads in marts.fct_lead_funnel yet"
NO_MATURE_NOTE = (
    "no mature cohort yet: MQL->SQL (mature) and health need a cohort (leads created in one "
    "month) whose month ended more than measurement_window_days (config.funnel_health_settings) "
    "ago"
)


def rate(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator rounded, None when undefined (no denominator or no numerator)."""
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 4)


def _number(value: float | None) -> float:
    """A NULL count or sum is none of it: a SQL sum over no rows is NULL, not 0."""
    return 0 if value is None else value


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def channel_markdown(rows: Sequence[dict[str, Any]]) -> str:
    """The by-channel table as markdown (what the UI renders for a markdown metadata value).

    A note under the table says why it is empty (no leads) or why the mature columns are
    (no channel has a mature cohort), so a young warehouse does not look like a broken one.
    """
    header = (
        "| channel | leads | MQLs | MQL rate | SQLs | MQL->SQL | MQL->SQL (mature) | health "
        "| opportunities | won | pipeline | won amount |"
    )
    lines = [header, "|" + "---|" * 12]
    for r in rows:
        lines.append(
            f"| {r.get('channel') or '-'} | {_count(r.get('leads'))} | {_count(r.get('mqls'))} | "
            f"{_pct(rate(r.get('mqls'), r.get('leads')))} | {_count(r.get('sqls'))} | "
            f"{_pct(rate(r.get('sqls_from_mql'), r.get('mqls')))} | "
            f"{_pct(r.get('mature_mql_to_sql_rate'))} | {r.get('health_flag') or '-'} | "
            f"{_count(r.get('opportunities'))} | {_count(r.get('won'))} | "
            f"{_money(r.get('pipeline_amount'))} | {_money(r.get('won_amount'))} |"
        )
    if not any(r.get("leads") for r in rows):
        lines += ["", NO_LEADS_NOTE]
    elif not any(r.get("health_flag") for r in rows):
        lines += ["", NO_MATURE_NOTE]
    return "\n".join(lines)


def unmapped_markdown(count: int, rows: Sequence[tuple]) -> str:
    """The largest unmapped values (system, field, value, rows, share) as markdown, or one line
    saying every delivered value mapped."""
    if not count:
        return "every delivered value mapped (quality.rpt_unmapped_values is empty)"
    lines = ["| system | field | value | rows | share |", "|" + "---|" * 5]
    for system, field, value, n, share in rows:
        shown = unmapped_value_text(value).replace("|", "\\|")
        lines.append(
            f"| {system or '-'} | {field or '-'} | {shown} | {_count(n)} | {_pct(share)} |"
        )
    if count > len(rows):
        lines += ["", f"{count - len(rows):,} more in quality.rpt_unmapped_values"]
    return "\n".join(lines)


def read_unmapped_values(warehouse: Path) -> tuple[int, list[tuple]] | None:
    """How many values went unmapped and the largest of them, read-only; None when the
    warehouse has no quality.rpt_unmapped_values (a build that selected none)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return read_unmapped(con)
    finally:
        con.close()


def read_summary(warehouse: Path) -> tuple[dict[str, Any], list[dict[str, Any]], float | None]:
    """Totals, rows by channel and the all-channel mature MQL->SQL rate, read-only."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(TOTALS_SQL).fetchone()
        totals = dict(zip(COLUMNS, row or (None,) * len(COLUMNS), strict=True))
        cursor = con.execute(BY_CHANNEL_SQL)
        names = [d[0] for d in cursor.description]
        channels = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        mature = con.execute(MATURE_ALL_SQL).fetchone()
    finally:
        con.close()
    return totals, channels, (None if mature is None else mature[0])


def summary_metadata(
    totals: dict[str, Any],
    channels: Sequence[dict[str, Any]],
    mature_rate: float | None,
    unmapped: tuple[int, Sequence[tuple]] | None = None,
) -> dict[str, Any]:
    """The metadata of a materialization; pure so the numbers can be tested without a run.

    Missing totals count as 0 (the UI plots a number per build, and none is 0); the mature
    MQL->SQL rate is left out when there is none, as 0 would plot a collapse that never happened.
    `unmapped` (read_unmapped_values) adds unmapped_values (how many) and top_unmapped_values
    (the largest, markdown); left out when the warehouse has no such report.
    """
    t = {name: _number(totals.get(name)) for name in COLUMNS}
    metadata: dict[str, Any] = {
        "leads": MetadataValue.int(int(t["leads"])),
        "mqls": MetadataValue.int(int(t["mqls"])),
        "mql_rate": MetadataValue.float(rate(t["mqls"], t["leads"]) or 0.0),
        "mql_to_sql_rate": MetadataValue.float(rate(t["sqls_from_mql"], t["mqls"]) or 0.0),
        "sqls": MetadataValue.int(int(t["sqls"])),
        "opportunities": MetadataValue.int(int(t["opportunities"])),
        "won": MetadataValue.int(int(t["won"])),
        "pipeline_amount": MetadataValue.float(round(float(t["pipeline_amount"]), 2)),
        "won_amount": MetadataValue.float(round(float(t["won_amount"]), 2)),
        "by_channel": MetadataValue.md(channel_markdown(channels)),
    }
    if mature_rate is not None:
        metadata["mql_to_sql_rate_mature_cohorts"] = MetadataValue.float(round(mature_rate, 4))
    if unmapped is not None:
        count, rows = unmapped
        metadata["unmapped_values"] = MetadataValue.int(int(count))
        metadata["top_unmapped_values"] = MetadataValue.md(unmapped_markdown(count, rows))
    return metadata


@asset(
    key=SUMMARY_KEY,
    group_name="marts",
    deps=[LEAD_FUNNEL, FUNNEL_CONVERSION],
    kinds={"duckdb"},
    description=(
        "Headline funnel numbers (leads, MQLs, MQL rate, MQL->SQL, SQLs, opportunities, won, "
        "pipeline, won amount), a table by channel and the largest unmapped values "
        "(quality.rpt_unmapped_values), as materialization metadata."
    ),
)
def funnel_summary(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    """Reads the marts read-only (the dbt step has finished and released the warehouse)."""
    path = warehouse.settings().warehouse
    totals, channels, mature_rate = read_summary(path)
    unmapped = read_unmapped_values(path)
    context.log.info(
        f"{_count(totals.get('leads'))} leads, {_count(totals.get('mqls'))} MQLs, "
        f"{_count(totals.get('sqls'))} SQLs, {_count(totals.get('won'))} won"
        + ("" if not unmapped or not unmapped[0] else f"; {unmapped[0]:,} unmapped values")
    )
    return MaterializeResult(metadata=summary_metadata(totals, channels, mature_rate, unmapped))
