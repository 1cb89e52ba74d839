"""Deliberately bad rows for ``generate(dirty=True)``: a few of every kind the warehouse must
catch, in separate CSV files (``<table>/dirty_0001.csv``) so that text-level corruption is
possible, each recorded in the manifest with its kind, key, file and line.

Every bad row is bad in one way only where that can be arranged: it copies a clean row and
breaks one thing, and a new row gets a new key, so a check that fires on it fires for the
reason the manifest gives. Lines are physical line numbers with the header as line 1.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.generator.arrow import ids
from orchestration.generator.config import DAY, HOUR, JOB_TITLES
from orchestration.generator.deals import Campaigns
from orchestration.ingestion.contract import TABLES

DIRTY_FILE = "dirty_0001.csv"
SHARE_PER_KIND = 0.0005
# kind -> table
KINDS = {
    "null_lead_id": "leads",
    "duplicate_lead_id": "leads",
    "unparseable_employee_count": "leads",
    "unparseable_created_at": "leads",
    "malformed_line_too_few_fields": "leads",
    "null_activity_id": "activities",
    "duplicate_activity_id": "activities",
    "unknown_activity_type": "activities",
    "future_timestamp": "activities",
    "activity_before_lead": "activities",
    "malformed_line_too_many_fields": "activities",
    "null_opportunity_id": "opportunities",
    "negative_opportunity_amount": "opportunities",
    "orphan_opportunity": "opportunities",
    "won_without_amount": "opportunities",
    "unparseable_amount": "opportunities",
    "stage_regression": "opportunity_stage_history",
    "negative_spend_amount": "campaign_spend",
}
UNKNOWN_TYPES = ("fax_sent", "webinar_attendd", "linkedin_poke")
BAD_COUNTS = ("abc", "twelve", "n.a.")
BAD_DATES = ("not-a-date", "31/02/2025", "yesterday")
BAD_AMOUNTS = ("12,5x", "EUR 100", "1.2.3")


def text_of(values: pa.Array) -> list[str]:
    """CSV text of an Arrow column as the clean CSV files spell it ('' for null)."""
    if pa.types.is_dictionary(values.type):
        values = values.cast(pa.string())
    if pa.types.is_timestamp(values.type):
        values = pc.strftime(values.cast(pa.timestamp("s")), "%Y-%m-%d %H:%M:%S")
    elif pa.types.is_date(values.type):
        values = pc.strftime(values, "%Y-%m-%d")
    elif pa.types.is_boolean(values.type):
        values = pc.if_else(values, "true", "false")
    else:
        values = values.cast(pa.string())
    return ["" if v is None else v for v in values.to_pylist()]


def _ts(seconds: int) -> str:
    return str(np.datetime64(int(seconds), "s")).replace("T", " ")


def _seconds(text: str) -> int:
    return int(np.datetime64(text.replace(" ", "T"), "s").astype(np.int64))


class _Rows:
    """Clean rows of a table as dicts of CSV text, sampled at random."""

    def __init__(self, rng: np.random.Generator, data: pa.Table) -> None:
        self.rng = rng
        self.data = data

    def sample(self, count: int, where: np.ndarray | None = None) -> list[dict[str, str]]:
        pool = np.arange(self.data.num_rows) if where is None else np.flatnonzero(where)
        if pool.size == 0:
            return []
        picked = np.sort(self.rng.choice(pool, size=min(count, pool.size), replace=False))
        taken = self.data.take(pa.array(picked))
        columns = {c: text_of(taken.column(c).combine_chunks()) for c in taken.column_names}
        return [{name: columns[name][i] for name in columns} for i in range(len(picked))]


def write_dirty(
    rng: np.random.Generator,
    out_dir: Path,
    final: dict[str, pa.Table],
    campaigns: Campaigns,
    id_widths: Any,
    files: dict[str, int],
) -> dict[str, dict[str, Any]]:
    """Write the dirty CSV files, add them to ``files`` and return the manifest section."""
    bad: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)

    def count(table: str) -> int:
        return max(1, round(final[table].num_rows * SHARE_PER_KIND))

    def new_id(prefix: str, number: int, width: int) -> str:
        return ids(prefix, np.array([number]), width).to_pylist()[0]

    def kinds_of(table: str) -> list[str]:
        return [kind for kind, kind_table in KINDS.items() if kind_table == table]

    leads = _Rows(rng, final["leads"])
    n_leads = final["leads"].num_rows
    kinds = kinds_of("leads")
    for i, row in enumerate(leads.sample(len(kinds) * count("leads"))):
        kind = kinds[i % len(kinds)]
        fresh = new_id("L", n_leads + 1 + i, id_widths.lead)
        if kind == "null_lead_id":
            row["lead_id"] = ""
        elif kind == "duplicate_lead_id":
            titles = [t[0] for t in JOB_TITLES if t[0] != row["job_title"]]
            row["job_title"] = titles[int(rng.integers(len(titles)))]
            row["employee_count"] = str(int(row["employee_count"] or 0) + 1 + i)
        elif kind == "unparseable_employee_count":
            row["lead_id"], row["employee_count"] = fresh, BAD_COUNTS[i % len(BAD_COUNTS)]
        elif kind == "unparseable_created_at":
            row["lead_id"], row["created_at"] = fresh, BAD_DATES[i % len(BAD_DATES)]
        else:
            row["lead_id"] = fresh
        bad["leads"].append((kind, row))

    activities = _Rows(rng, final["activities"])
    n_activities = final["activities"].num_rows
    lead_rows = leads.sample(count("activities"))
    kinds = kinds_of("activities")
    for i, row in enumerate(activities.sample(len(kinds) * count("activities"))):
        kind = kinds[i % len(kinds)]
        fresh = new_id("A", n_activities + 1 + i, id_widths.activity)
        if kind == "null_activity_id":
            row["activity_id"] = ""
        elif kind == "duplicate_activity_id":
            other = "page_view" if row["activity_type"] != "page_view" else "email_open"
            row["activity_type"], row["url"] = other, ""
        elif kind == "unknown_activity_type":
            row["activity_id"], row["activity_type"] = fresh, UNKNOWN_TYPES[i % 3]
        elif kind == "future_timestamp":
            row["activity_id"] = fresh
            row["occurred_at"] = _ts(_seconds("2031-01-01") + int(rng.integers(0, 364 * DAY)))
        elif kind == "activity_before_lead":
            lead = lead_rows[(i // 6) % len(lead_rows)]
            before = _seconds(lead["created_at"]) - int(rng.integers(HOUR, 90 * DAY))
            row.update(activity_id=fresh, lead_id=lead["lead_id"], occurred_at=_ts(before))
        else:
            row["activity_id"] = fresh
        bad["activities"].append((kind, row))

    opportunities = _Rows(rng, final["opportunities"])
    n_opps = final["opportunities"].num_rows
    kinds = kinds_of("opportunities")
    for i, row in enumerate(opportunities.sample(len(kinds) * count("opportunities"))):
        kind = kinds[i % len(kinds)]
        fresh = new_id("O", n_opps + 1 + i, id_widths.opportunity)
        if kind == "null_opportunity_id":
            row["opportunity_id"] = ""
            bad["opportunities"].append((kind, row))
            continue
        row.update(opportunity_id=fresh, lead_id="")
        if kind == "negative_opportunity_amount":
            row["amount"] = str(-abs(float(row["amount"])))
        elif kind == "orphan_opportunity":
            row["lead_id"] = new_id("L", n_leads + 1_000 + i, id_widths.lead)
        elif kind == "won_without_amount":
            # Won at its last update, which lies inside the period like every clean date.
            row.update(
                stage_name="Closed Won",
                is_closed="true",
                is_won="true",
                amount="",
                closed_at=row["updated_at"],
            )
        else:
            row["amount"] = BAD_AMOUNTS[i % len(BAD_AMOUNTS)]
        bad["opportunities"].append((kind, row))

    for row in _stage_regressions(
        rng, final["opportunity_stage_history"], count("opportunity_stage_history")
    ):
        bad["opportunity_stage_history"].append(("stage_regression", row))
    for row in _negative_spend(rng, campaigns, final["campaigns"], count("campaign_spend")):
        bad["campaign_spend"].append(("negative_spend_amount", row))
    return _write(rng, out_dir, bad, files)


def _stage_regressions(
    rng: np.random.Generator, history: pa.Table, count: int
) -> list[dict[str, str]]:
    """An opportunity re-entering its previous stage after the current one, before whatever
    came next: 'Proposal' after 'Negotiation' where there are such, else any such pair."""
    frame = history.to_pandas()
    frame["stage_name"] = frame["stage_name"].astype(str)
    frame = frame.sort_values(["opportunity_id", "changed_at"], kind="stable")
    by_opportunity = frame.groupby("opportunity_id")
    frame["previous_stage"] = by_opportunity["stage_name"].shift(1)
    frame["next_at"] = by_opportunity["changed_at"].shift(-1)
    pairs = frame[frame["previous_stage"].notna() & frame["next_at"].notna()]
    negotiation = pairs[pairs["stage_name"] == "Negotiation"]
    pool = negotiation if len(negotiation) >= count else pairs
    pool = pool.reset_index(drop=True)
    rows = []
    for i in np.sort(rng.choice(len(pool), size=min(count, len(pool)), replace=False)):
        item = pool.iloc[int(i)]
        start = int(item["changed_at"].value // 10**9)
        stop = int(item["next_at"].value // 10**9)
        rows.append(
            {
                "opportunity_id": item["opportunity_id"],
                "stage_name": item["previous_stage"],
                "changed_at": _ts(start + max((stop - start) // 2, 1)),
            }
        )
    return rows


def _negative_spend(
    rng: np.random.Generator, campaigns: Campaigns, campaign_table: pa.Table, count: int
) -> list[dict[str, str]]:
    """A refund booked as negative spend, on a day of the flight that has no spend row."""
    campaign_ids = campaign_table.column("campaign_id").to_pylist()
    spent = set(zip(campaigns.spend_campaign.tolist(), campaigns.spend_day.tolist(), strict=True))
    last = int(campaigns.spend_day.max())
    candidates = [
        (c, int(day))
        for c in range(len(campaign_ids))
        for day in range(
            int(campaigns.started[c]), min(int(campaigns.flight_end[c]), last) + 1, DAY
        )
        if (c, day) not in spent
    ]
    rows = []
    for i in np.sort(rng.choice(len(candidates), size=min(count, len(candidates)), replace=False)):
        c, day = candidates[int(i)]
        rows.append(
            {
                "campaign_id": campaign_ids[c],
                "spend_date": _ts(day)[:10],
                "amount": str(-round(float(rng.uniform(50, 2_000)), 2)),
            }
        )
    return rows


def _write(
    rng: np.random.Generator,
    out_dir: Path,
    bad: dict[str, list[tuple[str, dict[str, str]]]],
    files: dict[str, int],
) -> dict[str, dict[str, Any]]:
    section: dict[str, dict[str, Any]] = {}
    for table_name, rows in bad.items():
        contract = TABLES[table_name]
        rel = f"{table_name}/{DIRTY_FILE}"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(contract.column_names)
        for line, position in enumerate(rng.permutation(len(rows)), start=2):
            kind, row = rows[int(position)]
            fields = [row[c] for c in contract.column_names]
            if kind == "malformed_line_too_few_fields":
                fields = fields[:-3]
            elif kind == "malformed_line_too_many_fields":
                fields = [*fields, "extra", "fields"]
            writer.writerow(fields)
            entry = section.setdefault(
                kind,
                {
                    "table": table_name,
                    "count": 0,
                    "key_columns": list(contract.key),
                    "keys": [],
                    "rows": [],
                },
            )
            entry["count"] += 1
            entry["keys"].append([row[c] for c in contract.key])
            entry["rows"].append({"file": rel, "line": line})
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(buffer.getvalue())
        files[rel] = len(rows)
    for entry in section.values():
        order = np.argsort([r["line"] for r in entry["rows"]], kind="stable")
        entry["keys"] = [entry["keys"][i] for i in order]
        entry["rows"] = [entry["rows"][i] for i in order]
    return dict(sorted(section.items()))
