"""The funnel table printed at the end of `make run`, read from the marts."""

from __future__ import annotations

from pathlib import Path

import duckdb

FUNNEL_BY_CHANNEL = """
with leads as (
    select channel, count(*) as leads, sum(case when is_mql then 1 else 0 end) as mql_leads
    from marts.dim_leads
    group by channel
),
mqls as (
    select
        channel,
        count(*) as mqls,
        sum(case when is_qualified then 1 else 0 end) as sqls,
        sum(case when opportunity_created_at is not null then 1 else 0 end) as opportunities,
        sum(case when is_won then 1 else 0 end) as won
    from marts.fct_mql_events
    group by channel
)
select
    leads.channel,
    leads.leads,
    leads.mql_leads,
    coalesce(mqls.mqls, 0) as mqls,
    coalesce(mqls.sqls, 0) as sqls,
    coalesce(mqls.opportunities, 0) as opportunities,
    coalesce(mqls.won, 0) as won
from leads
left join mqls on leads.channel = mqls.channel
order by leads.leads desc, leads.channel
"""

DRIFT = """
select definition_version, score_threshold, mqls, sqls, mql_to_sql_rate
from marts.rpt_mql_definition_backtest
where channel = 'all'
order by definition_version
"""


def _rate(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:6.1%}" if denominator else "     -"


def funnel_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(FUNNEL_BY_CHANNEL).fetchall()


def format_funnel(rows: list[tuple]) -> str:
    header = (
        f"{'channel':<16}{'leads':>9}{'MQL leads':>11}{'MQL rate':>10}{'MQLs':>8}{'SQLs':>7}"
        f"{'MQL>SQL':>9}{'opps':>7}{'won':>6}"
    )
    lines = [header, "-" * len(header)]
    totals = [0] * 6
    for channel, leads, mql_leads, mqls, sqls, opps, won in rows:
        for i, value in enumerate((leads, mql_leads, mqls, sqls, opps, won)):
            totals[i] += value
        lines.append(
            f"{channel:<16}{leads:>9,}{mql_leads:>11,}{_rate(mql_leads, leads):>10}{mqls:>8,}"
            f"{sqls:>7,}{_rate(sqls, mqls):>9}{opps:>7,}{won:>6,}"
        )
    leads, mql_leads, mqls, sqls, opps, won = totals
    lines.append("-" * len(header))
    lines.append(
        f"{'all':<16}{leads:>9,}{mql_leads:>11,}{_rate(mql_leads, leads):>10}{mqls:>8,}"
        f"{sqls:>7,}{_rate(sqls, mqls):>9}{opps:>7,}{won:>6,}"
    )
    return "\n".join(lines)


def format_drift(rows: list[tuple]) -> str:
    lines = ["MQL definition backtest (every version over the whole history):"]
    for version, threshold, mqls, sqls, rate in rows:
        shown = f"{rate:.1%}" if rate is not None else "-"
        lines.append(
            f"  {version:<4} threshold {threshold:>5g}: {mqls:>7,} MQLs, {sqls:>6,} SQLs, "
            f"MQL>SQL {shown}"
        )
    return "\n".join(lines)


def print_report(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        print(
            "\nLead funnel by channel (MQLs, SQLs, opportunities and won counted per MQL episode)"
        )
        print(format_funnel(funnel_rows(con)))
        print()
        print(format_drift(con.execute(DRIFT).fetchall()))
    finally:
        con.close()
