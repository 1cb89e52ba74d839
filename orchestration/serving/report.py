"""The tables `make run` ends with, read from the marts: the funnel by channel, the values the
vocabularies did not map (quality.rpt_unmapped_values), conversion against the benchmark bands,
speed to lead and the MQL-definition backtest.

A green build over young data (under the measurement window, no MQLs yet, no activities) is
normal, so every section prints one line saying why it has nothing to show instead of a table,
and every formatter prints '-' for a missing (NULL) value rather than failing on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
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
    benchmark_mql_to_sql_high, health_flag, cost_per_lead, cost_per_mql, leads
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

# The largest unmapped values (docs/data-quality.md, Unmapped values), with how many there are.
UNMAPPED_TOP = 5
UNMAPPED = """
select
    source_system, field, value_as_delivered, unmapped_rows, share_of_field,
    count(*) over () as unmapped_values
from quality.rpt_unmapped_values
order by unmapped_rows desc, share_of_field desc, source_system, field, value_as_delivered
limit ?
"""
UNMAPPED_VALUE_WIDTH = 40

MEASUREMENT_WINDOW = """
select max(value) from config.funnel_health_settings
where parameter = 'measurement_window_days'
"""

AS_OF = "select max(scored_as_of) from marts.dim_leads"

NO_LEADS = "no leads in marts.fct_lead_funnel yet"
NO_SPEED = (
    "no MQLs yet: speed to lead is timed per MQL episode (MQL to sales' first touch), and "
    "marts.rpt_speed_to_lead has no rows"
)
NO_DRIFT = "no MQLs yet under any MQL definition: marts.rpt_mql_definition_backtest has no rows"
ALL_MAPPED = (
    "every delivered value mapped: lead sources, countries, lead statuses, opportunity stages "
    "and activity types (quality.rpt_unmapped_values is empty)"
)
NO_UNMAPPED_REPORT = (
    "quality.rpt_unmapped_values is not in this snapshot (published by an older build): "
    "unmapped values are listed from the next build on"
)


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def _text(value: object) -> str:
    return "-" if value is None else str(value)


def _band(low: float | None, high: float | None) -> str:
    return "-" if low is None or high is None else f"{low:.0%}-{high:.0%}"


def _total(values: Iterable[int | None]) -> int | None:
    """The sum of the known values; None only when none is known (so '-' is not shown as 0)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _ratio(numerator: int | None, denominator: int | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


def _table(headers: list[str], rows: list[list[str]], *, left: int = 1) -> str:
    """Columns padded to their widest cell: the first `left` aligned left, the rest right."""
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(
        f"{h:<{w}}" if i < left else f"{h:>{w}}"
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    out = [line, "-" * len(line)]
    for row in rows:
        out.append(
            "  ".join(
                f"{v:<{w}}" if i < left else f"{v:>{w}}"
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(out)


def no_mature_cohort_line(measurement_window_days: float | None, as_of: object | None) -> str:
    """Why the conversion section is empty on young data: the rule and the as-of time, so the
    reader can tell when the first cohort will mature. Either input may be unknown."""
    window = (
        "the measurement window (config.funnel_health_settings)"
        if measurement_window_days is None
        else f"{measurement_window_days:g} days"
    )
    when = "unknown (no scored lead in marts.dim_leads)" if as_of is None else _as_of_text(as_of)
    return (
        "no mature cohort yet: a cohort (leads created in one month) matures "
        f"{window} after its month ends; the as-of time is {when}"
    )


def _as_of_text(as_of: object) -> str:
    if isinstance(as_of, datetime):
        return as_of.isoformat(sep=" ", timespec="seconds")
    return str(as_of)


def format_funnel(rows: list[tuple]) -> str:
    """The funnel by channel with an all-channel total; one line when there are no leads, since
    a table of zeros would read as a broken build rather than an empty one."""
    if not any(row[1] for row in rows):
        return NO_LEADS
    totals = ("all", *(_total(r[i] for r in rows) for i in range(1, 6)))
    body = [
        [_text(channel), _count(leads), _count(mqls), _pct(_ratio(mqls, leads)), _count(sqls),
         _count(opps), _count(won)]
        for channel, leads, mqls, sqls, opps, won in [*rows, totals]
    ]  # fmt: skip
    return _table(["channel", "leads", "MQLs", "MQL rate", "SQLs", "opportunities", "won"], body)


def format_conversion(
    rows: list[tuple],
    *,
    measurement_window_days: float | None = None,
    as_of: object | None = None,
) -> str:
    """MQL to SQL of the mature cohorts against the benchmark bands.

    Rows are the CONVERSION columns, the mature leads last. With no mature lead, or no MQL among
    them, the rates are undefined: one line says why (and, for no mature cohort, when one
    matures) instead of a table of dashes.
    """
    if not any(row[9] for row in rows):
        return no_mature_cohort_line(measurement_window_days, as_of)
    if not any(row[1] for row in rows):
        leads = _mature_leads(rows)
        counted = f"{leads:,} leads in mature cohorts, " if leads else ""
        return (
            f"no MQLs in the mature cohorts yet: {counted}none became an MQL, so MQL to SQL "
            "has no denominator"
        )
    body = [
        [
            _text(channel),
            _count(mqls),
            _count(sqls),
            _pct(rate),
            _band(low, high),
            _text(flag),
            _money(cpl),
            _money(cpm),
        ]
        for channel, mqls, sqls, rate, low, high, flag, cpl, cpm, _ in rows
    ]
    headers = ["channel", "MQLs", "SQLs", "MQL>SQL", "benchmark", "health", "cost/lead", "cost/MQL"]
    return _table(headers, body)


def _mature_leads(rows: list[tuple]) -> int | None:
    """The mature leads: the all-channel row's count, else the channels' sum."""
    everyone = [row[9] for row in rows if row[0] == "all"]
    return _total(everyone) if everyone else _total(row[9] for row in rows)


def format_speed(rows: list[tuple]) -> str:
    """MQL to SQL by first-response bucket; one line when there is no MQL episode to time."""
    if not any(row[1] for row in rows):
        return NO_SPEED
    body = [
        [_text(b), _count(n), _pct(r), "-" if rel is None else f"{rel:.2f}x"]
        for b, n, r, rel in rows
    ]
    return _table(["first response", "MQLs", "MQL>SQL", "vs <=48h"], body)


def format_drift(rows: list[tuple]) -> str:
    """Every MQL definition over the whole history; one line when none made an MQL."""
    if not rows:
        return NO_DRIFT
    body = [
        [_text(v), "-" if t is None else f"{t:g}", _count(m), _count(s), _pct(r)]
        for v, t, m, s, r in rows
    ]
    return _table(["definition", "threshold", "MQLs", "SQLs", "MQL>SQL"], body)


def read_unmapped(
    con: duckdb.DuckDBPyConnection, top: int = UNMAPPED_TOP
) -> tuple[int, list[tuple]] | None:
    """How many values the vocabularies did not map and the `top` largest by rows (system,
    field, value, rows, share), or None when there is no quality.rpt_unmapped_values (a
    snapshot published before it existed)."""
    try:
        rows = con.execute(UNMAPPED, [top]).fetchall()
    except duckdb.CatalogException:
        return None
    return (rows[0][5] if rows else 0), [row[:5] for row in rows]


def unmapped_value_text(value: object, width: int = UNMAPPED_VALUE_WIDTH) -> str:
    """A delivered value on one line (runs of white space as one space), shortened to `width`
    with '...' so one odd value cannot stretch the table."""
    text = " ".join(str(value).split()) if value is not None else "-"
    return text if len(text) <= width else text[: width - 3] + "..."


def format_unmapped(unmapped: tuple[int, list[tuple]] | None) -> str:
    """The largest unmapped values with their system, field, rows and share of the field; one
    line when every value mapped, or when the snapshot has no such report."""
    if unmapped is None:
        return NO_UNMAPPED_REPORT
    count, rows = unmapped
    if not count:
        return ALL_MAPPED
    body = [
        [_text(system), _text(field), unmapped_value_text(value), _count(n), _pct(share)]
        for system, field, value, n, share in rows
    ]
    text = _table(["system", "field", "value", "rows", "share"], body, left=3)
    if count > len(rows):
        text += (
            f"\n{count - len(rows):,} more unmapped values in quality.rpt_unmapped_values; "
            "add spellings to the field's seed (docs/sources.md, Vocabularies)"
        )
    return text


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object | None:
    """One value for an explanatory line, None if it cannot be read: the line is a courtesy
    and must not turn an empty report into a crash (an older warehouse may lack the table)."""
    try:
        row = con.execute(sql).fetchone()
    except duckdb.Error:
        return None
    return None if row is None else row[0]


def _measurement_window(con: duckdb.DuckDBPyConnection) -> float | None:
    value = _scalar(con, MEASUREMENT_WINDOW)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def print_report(snapshot: Path) -> None:
    """Prints the five sections from the published snapshot (or any file with its tables); a
    section with nothing to show prints why, not a table."""
    from orchestration.serving.publish import connect_published

    con = connect_published(snapshot)
    try:
        sections = [
            (
                "Lead funnel by channel (leads; a person counts once)",
                format_funnel(con.execute(FUNNEL_BY_CHANNEL).fetchall()),
            ),
            (
                f"Unmapped values (the {UNMAPPED_TOP} largest by rows; channel 'other', "
                "unknown country, status, stage or activity type)",
                format_unmapped(read_unmapped(con)),
            ),
            (
                "MQL to SQL against the benchmark bands (mature cohorts)",
                format_conversion(
                    con.execute(CONVERSION).fetchall(),
                    measurement_window_days=_measurement_window(con),
                    as_of=_scalar(con, AS_OF),
                ),
            ),
            (
                "Speed to lead, all channels (per MQL episode)",
                format_speed(con.execute(SPEED_TO_LEAD).fetchall()),
            ),
            (
                "MQL definitions applied to the whole history (drift)",
                format_drift(con.execute(DRIFT).fetchall()),
            ),
        ]
        for title, text in sections:
            print(f"\n{title}")
            print(text)
    finally:
        con.close()
