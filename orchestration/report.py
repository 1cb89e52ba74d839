"""The tables `make run` ends with, read from the marts: the funnel by channel, conversion
against the benchmark bands, speed to lead and the MQL-definition backtest."""

from __future__ import annotations

from pathlib import Path

import duckdb

FUNNEL_BY_CHANNEL = """
select
    channel,
    count(*) as leads,
    count(*) filter (where is_mql) as mqls,
    count(*) filter (where is_sql) as sqls,
    count(*) filter (where has_opportunity) as opportunities,
    count(*) filter (where is_won) as won
from marts.fct_lead_funnel
group by channel
order by leads desc, channel
"""

CONVERSION = """
select
    channel, mqls, sqls_from_mql, mql_to_sql_rate, benchmark_mql_to_sql_low,
    benchmark_mql_to_sql_high, health_flag, cost_per_lead, cost_per_mql
from marts.fct_funnel_conversion
where cohort = 'all mature'
order by channel = 'all', mqls desc, channel
"""

SPEED_TO_LEAD = """
select response_bucket, mqls, mql_to_sql_rate, rate_vs_within_48h
from marts.rpt_speed_to_lead
where channel = 'all'
order by bucket_order
"""

DRIFT = """
select definition_version, score_threshold, mqls, sqls, mql_to_sql_rate
from marts.rpt_mql_definition_backtest
where channel = 'all'
order by definition_version
"""


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(
        f"{h:<{w}}" if i == 0 else f"{h:>{w}}"
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    out = [line, "-" * len(line)]
    for row in rows:
        out.append(
            "  ".join(
                f"{v:<{w}}" if i == 0 else f"{v:>{w}}"
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(out)


def format_funnel(rows: list[tuple]) -> str:
    totals = ("all", *(sum(r[i] for r in rows) for i in range(1, 6)))
    body = [
        [channel, f"{leads:,}", f"{mqls:,}", _pct(mqls / leads if leads else None), f"{sqls:,}",
         f"{opps:,}", f"{won:,}"]
        for channel, leads, mqls, sqls, opps, won in [*rows, totals]
    ]  # fmt: skip
    return _table(["channel", "leads", "MQLs", "MQL rate", "SQLs", "opportunities", "won"], body)


def format_conversion(rows: list[tuple]) -> str:
    body = [
        [
            channel,
            f"{mqls:,}",
            f"{sqls:,}",
            _pct(rate),
            "-" if low is None else f"{low:.0%}-{high:.0%}",
            flag,
            _money(cpl),
            _money(cpm),
        ]
        for channel, mqls, sqls, rate, low, high, flag, cpl, cpm in rows
    ]
    headers = ["channel", "MQLs", "SQLs", "MQL>SQL", "benchmark", "health", "cost/lead", "cost/MQL"]
    return _table(headers, body)


def format_speed(rows: list[tuple]) -> str:
    body = [[b, f"{n:,}", _pct(r), "-" if rel is None else f"{rel:.2f}x"] for b, n, r, rel in rows]
    return _table(["first response", "MQLs", "MQL>SQL", "vs <=48h"], body)


def format_drift(rows: list[tuple]) -> str:
    body = [[v, f"{t:g}", f"{m:,}", f"{s:,}", _pct(r)] for v, t, m, s, r in rows]
    return _table(["definition", "threshold", "MQLs", "SQLs", "MQL>SQL"], body)


def print_report(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sections = [
            (
                "Lead funnel by channel (leads; a person counts once)",
                FUNNEL_BY_CHANNEL,
                format_funnel,
            ),
            (
                "MQL to SQL against the benchmark bands (mature cohorts)",
                CONVERSION,
                format_conversion,
            ),
            ("Speed to lead, all channels (per MQL episode)", SPEED_TO_LEAD, format_speed),
            ("MQL definitions applied to the whole history (drift)", DRIFT, format_drift),
        ]
        for title, sql, render in sections:
            print(f"\n{title}")
            print(render(con.execute(sql).fetchall()))
    finally:
        con.close()
