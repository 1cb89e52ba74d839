"""Deterministic demo data for the lead-funnel warehouse: a landing zone per the raw contract.

``generate`` writes ``<out_dir>/<table>/*.parquet`` (or ``*.csv``) for every table of
orchestration/contract.py and ``<out_dir>/_generator_manifest.json``. The data is designed to
come out right under the default scoring seeds (see generator_funnel for how), is the same
bytes for the same arguments (numpy PCG64 streams, no wall clock), and is vectorised throughout
so a million leads with twenty million activities take well under two minutes.

``batches=K`` splits the same data into K daily deliveries; ``dirty=True`` adds CSV files of
deliberately bad rows, each listed in the manifest by kind (see generator_dirty).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from orchestration.contract import TABLES
from orchestration.generator_arrow import dates, id_width, ids, labels, table, timestamps, write
from orchestration.generator_config import (
    ACT_NAMES,
    AES,
    CHANNELS,
    COUNTRIES,
    DAY,
    INDUSTRIES,
    JOB_TITLES,
    OPPORTUNITY_STAGES,
    SDRS,
    parse_ts,
)
from orchestration.generator_deals import (
    Campaigns,
    Opportunities,
    attribute_campaigns,
    make_campaigns,
    make_opportunities,
    pick_urls,
    url_vocabulary,
)
from orchestration.generator_dirty import write_dirty
from orchestration.generator_funnel import Funnel, run_funnel
from orchestration.generator_people import Accounts, People, lead_source_vocabulary, make_people
from orchestration.generator_sales import REASONS, STATUS

MANIFEST_NAME = "_generator_manifest.json"
LATE_SHARE = 0.01  # of recent activities, arriving in a later batch than their date
LATE_WINDOW_DAYS = 3
# (prefix, minimum digits) of each id
LEAD_ID, ACTIVITY_ID, OPPORTUNITY_ID, CAMPAIGN_ID, ACCOUNT_ID = (
    ("L", 7),
    ("A", 8),
    ("O", 6),
    ("C", 4),
    ("ACC", 5),
)


BatchOf = Callable[[np.ndarray], np.ndarray]  # seconds -> delivery batch (1..K)


@dataclass(frozen=True)
class Delivery:
    """One table's rows in delivery order, with the batch (1..K) each row is delivered in."""

    data: pa.Table
    batch: np.ndarray
    final: pa.Table  # the latest version of every record, as batches=1 delivers it


@dataclass(frozen=True)
class IdFormat:
    lead: int
    activity: int
    opportunity: int
    campaign: int
    account: int


def generate(
    n_leads: int,
    seed: int,
    out_dir: Path,
    *,
    dirty: bool = False,
    batches: int = 1,
    file_format: str = "parquet",
    start: str = "2024-01-01",
    end: str = "2026-06-30",
) -> dict:
    """Write the demo landing zone and its manifest; return the manifest."""
    if n_leads < 1:
        raise ValueError("n_leads must be at least 1")
    if batches < 1:
        raise ValueError("batches must be at least 1")
    if file_format not in ("parquet", "csv"):
        raise ValueError(f"file_format must be 'parquet' or 'csv', not {file_format!r}")
    start_s = parse_ts(start) // DAY * DAY
    end_s = parse_ts(end) // DAY * DAY + DAY - 1  # the whole last day
    if end_s - start_s < batches * DAY:
        raise ValueError("the period must be longer than the number of batches in days")
    out_dir = Path(out_dir)
    if (out_dir / MANIFEST_NAME).exists() or any(
        any((out_dir / name).glob("*")) for name in TABLES if (out_dir / name).is_dir()
    ):
        # Landing files are immutable deliveries: rewriting them (or leaving stale batches of
        # an earlier run beside new ones) would corrupt what a loader has already seen.
        raise FileExistsError(f"{out_dir} already holds landing data; remove it first")
    rngs = [np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(6)]
    people_rng, funnel_rng, deals_rng, campaign_rng, batch_rng, dirty_rng = rngs

    people, accounts = make_people(people_rng, n_leads, start_s, end_s)
    funnel = run_funnel(funnel_rng, people, end_s)
    sources = [text for text, _channel in lead_source_vocabulary()]
    opportunities = make_opportunities(
        deals_rng, people, funnel.conversions, accounts.employee_count, sources, start_s, end_s
    )
    campaigns = make_campaigns(campaign_rng, people, start_s, end_s)

    n_activities = funnel.activities["t"].size
    # Widths leave room for the ids of dirty rows, so clean and dirty ids look alike.
    fmt = IdFormat(
        lead=id_width(LEAD_ID[1], _with_room(n_leads)),
        activity=id_width(ACTIVITY_ID[1], _with_room(n_activities)),
        opportunity=id_width(OPPORTUNITY_ID[1], _with_room(opportunities.n)),
        campaign=id_width(CAMPAIGN_ID[1], len(campaigns.name)),
        account=id_width(ACCOUNT_ID[1], accounts.n),
    )
    day_of_end = end_s // DAY

    def batch_of(seconds: np.ndarray) -> np.ndarray:
        return np.clip(batches - (day_of_end - seconds // DAY), 1, batches).astype(np.int16)

    deliveries = {
        "leads": _leads(people, sources, fmt, batch_of),
        "activities": _activities(
            funnel, people, campaigns, fmt, batch_of, campaign_rng, batch_rng, batches, day_of_end
        ),
        "lead_status_history": _statuses(funnel, fmt, batch_of),
        "opportunities": _opportunities(opportunities, fmt, batch_of),
        "opportunity_stage_history": _stage_history(opportunities, fmt, batch_of),
        "campaigns": _campaigns(campaigns, fmt),
        "campaign_spend": _spend(campaigns, fmt, batch_of),
        "accounts": _accounts(accounts, fmt),
    }
    files = _write_deliveries(deliveries, out_dir, batches, file_format)
    manifest: dict[str, Any] = {
        "generator": "orchestration.generator",
        "seed": seed,
        "n_leads": n_leads,
        "start": start,
        "end": end,
        "batches": batches,
        "file_format": file_format,
        "dirty": dirty,
        "expected_funnel": _funnel_summary(funnel, opportunities),
    }
    if dirty:
        manifest["dirty_rows"] = write_dirty(
            dirty_rng,
            out_dir,
            {name: d.final for name, d in deliveries.items()},
            campaigns,
            fmt,
            files,
        )
    manifest["files"] = dict(sorted(files.items()))
    manifest["rows"] = {
        name: sum(count for path, count in files.items() if path.startswith(f"{name}/"))
        for name in TABLES
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _with_room(count: int) -> int:
    return count + count // 100 + 2_000


def _write_deliveries(
    deliveries: dict[str, Delivery], out_dir: Path, batches: int, file_format: str
) -> dict[str, int]:
    files: dict[str, int] = {}
    for name, delivery in deliveries.items():
        bounds = np.searchsorted(delivery.batch, np.arange(1, batches + 2))
        for k in range(1, batches + 1):
            lo, hi = int(bounds[k - 1]), int(bounds[k])
            if hi == lo and not (k == 1 and delivery.data.num_rows == 0):
                continue
            # batch_NNNN also for one batch, so that dirty_NNNN deliveries sort (and load) after
            # the clean data they collide with.
            rel = f"{name}/batch_{k:04d}.{file_format}"
            write(delivery.data.slice(lo, hi - lo), out_dir / rel, file_format)
            files[rel] = hi - lo
    return files


def _in_batch_order(data: pa.Table, batch: np.ndarray) -> Delivery:
    order = np.argsort(batch, kind="stable")
    if (order == np.arange(order.size)).all():
        return Delivery(data, batch, data)
    return Delivery(data.take(pa.array(order)), batch[order], data)


def _leads(people: People, sources: list[str], fmt: IdFormat, batch_of: BatchOf) -> Delivery:
    n = people.n
    number = np.arange(1, n + 1)
    updated = np.maximum.reduce([people.created, people.merged_at, people.deleted_at])
    final = table(
        "leads",
        {
            "lead_id": ids(LEAD_ID[0], number, fmt.lead),
            "email": people.email,
            "company_name": people.company_name,
            "account_id": ids(ACCOUNT_ID[0], people.account + 1, fmt.account),
            "job_title": labels(people.title, [t[0] for t in JOB_TITLES]),
            "industry": labels(people.industry, [i[0] for i in INDUSTRIES]),
            "employee_count": pa.array(people.employee_count, pa.int64()),
            "annual_revenue": pa.array(
                people.annual_revenue, pa.float64(), mask=np.isnan(people.annual_revenue)
            ),
            "country": labels(people.country, [c[0] for c in COUNTRIES]),
            "lead_source": labels(people.source, sources),
            "created_at": timestamps(people.created),
            "updated_at": timestamps(updated),
            "merged_into_lead_id": ids(LEAD_ID[0], people.merged_into + 1, fmt.lead),
            "is_deleted": pa.array(people.deleted_at >= 0),
        },
    )
    return _with_first_versions(
        final,
        batch_of(people.created),
        batch_of(updated),
        number,
        {
            "updated_at": timestamps(people.created),
            "merged_into_lead_id": pa.nulls(n, pa.string()),
            "is_deleted": pa.array(np.zeros(n, dtype=bool)),
        },
    )


def _with_first_versions(
    final: pa.Table,
    created_batch: np.ndarray,
    updated_batch: np.ndarray,
    number: np.ndarray,
    first_values: dict[str, pa.Array],
) -> Delivery:
    """A record that changed after the batch it was created in arrives twice: as created, and
    again with the later updated_at in the batch of that change."""
    changed = np.flatnonzero(created_batch < updated_batch)
    if changed.size == 0:
        return _in_batch_order(final, updated_batch)
    first = final.take(pa.array(changed))
    for column, values in first_values.items():
        position = first.schema.get_field_index(column)
        first = first.set_column(position, column, values.take(pa.array(changed)))
    data = pa.concat_tables([first, final])
    batch = np.concatenate([created_batch[changed], updated_batch])
    key = np.concatenate([number[changed], number])
    order = np.lexsort((key, batch))
    return Delivery(data.take(pa.array(order)), batch[order], final)


def _activities(
    funnel: Funnel,
    people: People,
    campaigns: Campaigns,
    fmt: IdFormat,
    batch_of: BatchOf,
    campaign_rng: np.random.Generator,
    batch_rng: np.random.Generator,
    batches: int,
    day_of_end: int,
) -> Delivery:
    acts = funnel.activities
    t_min = acts["t"].min() if acts["t"].size else 0
    shift = int(people.n).bit_length()
    order = np.argsort(((acts["t"] - t_min) << shift) | acts["lead"], kind="stable")
    lead = acts["lead"][order]
    t = acts["t"][order]
    act_type = acts["type"][order].astype(np.int64)
    del acts, order
    campaign = attribute_campaigns(campaign_rng, campaigns, people.channel[lead], t, act_type)
    url = pick_urls(campaign_rng, act_type)
    number = np.arange(1, t.size + 1)
    batch = batch_of(t)
    if batches > 1:
        # Late arrivals: a few activities of the last days before a delivery miss it and come
        # with the next one or the one after.
        last_day_of_batch = day_of_end - (batches - batch)
        recent = (t // DAY > last_day_of_batch - LATE_WINDOW_DAYS) & (batch < batches)
        late = recent & (batch_rng.random(t.size) < LATE_SHARE)
        batch[late] = np.minimum(batch[late] + batch_rng.integers(1, 3, late.sum()), batches)
        order = np.argsort(batch, kind="stable")
        lead, t, act_type, campaign, url, number, batch = (
            a[order] for a in (lead, t, act_type, campaign, url, number, batch)
        )
    data = table(
        "activities",
        {
            "activity_id": ids(ACTIVITY_ID[0], number, fmt.activity),
            "lead_id": ids(LEAD_ID[0], lead + 1, fmt.lead),
            "activity_type": labels(act_type, list(ACT_NAMES)),
            "occurred_at": timestamps(t),
            "campaign_id": labels(campaign, _campaign_ids(campaigns, fmt)),
            "url": labels(url, url_vocabulary()[0]),
        },
    )
    return Delivery(data, batch, data)


def _campaign_ids(campaigns: Campaigns, fmt: IdFormat) -> list[str]:
    return ids(CAMPAIGN_ID[0], np.arange(1, len(campaigns.name) + 1), fmt.campaign).to_pylist()


def _statuses(funnel: Funnel, fmt: IdFormat, batch_of: BatchOf) -> Delivery:
    s = funnel.statuses
    order = np.lexsort((s["status"], s["lead"], s["t"]))
    lead, t, status, reason, by = (s[c][order] for c in ("lead", "t", "status", "reason", "by"))
    # changed_by: -1 system, -2 list import, then the SDRs, then the AEs
    people_names = ("list_import", "system", *SDRS, *AES)
    data = table(
        "lead_status_history",
        {
            "lead_id": ids(LEAD_ID[0], lead + 1, fmt.lead),
            "status": labels(status, list(STATUS)),
            "changed_at": timestamps(t),
            "reason": labels(np.where(reason == 0, -1, reason), REASONS),
            "changed_by": labels(by + 2, people_names),
        },
    )
    return Delivery(data, batch_of(t), data)


def _opportunities(opps: Opportunities, fmt: IdFormat, batch_of: BatchOf) -> Delivery:
    number = np.arange(1, opps.n + 1)
    closed = opps.closed_at >= 0
    final = table(
        "opportunities",
        {
            "opportunity_id": ids(OPPORTUNITY_ID[0], number, fmt.opportunity),
            "lead_id": ids(LEAD_ID[0], opps.lead + 1, fmt.lead),
            "account_id": ids(ACCOUNT_ID[0], opps.account + 1, fmt.account),
            "created_at": timestamps(opps.created),
            "stage_name": labels(opps.stage, OPPORTUNITY_STAGES),
            "amount": pa.array(opps.amount, pa.float64()),
            "is_closed": pa.array(closed),
            "is_won": pa.array(opps.is_won),
            "closed_at": timestamps(opps.closed_at, null=~closed),
            "lead_source": labels(opps.source, opps.source_text),
            "updated_at": timestamps(opps.updated),
        },
    )
    n = opps.n
    return _with_first_versions(
        final,
        batch_of(opps.created),
        batch_of(opps.updated),
        number,
        {
            "stage_name": labels(np.zeros(n, dtype=np.int64), OPPORTUNITY_STAGES),
            "is_closed": pa.array(np.zeros(n, dtype=bool)),
            "is_won": pa.array(np.zeros(n, dtype=bool)),
            "closed_at": pa.nulls(n, pa.timestamp("us")),
            "updated_at": timestamps(opps.created),
        },
    )


def _stage_history(opps: Opportunities, fmt: IdFormat, batch_of: BatchOf) -> Delivery:
    order = np.lexsort((opps.history_stage, opps.history_opp, opps.history_t))
    t = opps.history_t[order]
    data = table(
        "opportunity_stage_history",
        {
            "opportunity_id": ids(OPPORTUNITY_ID[0], opps.history_opp[order] + 1, fmt.opportunity),
            "stage_name": labels(opps.history_stage[order], OPPORTUNITY_STAGES),
            "changed_at": timestamps(t),
        },
    )
    return Delivery(data, batch_of(t), data)


def _campaigns(campaigns: Campaigns, fmt: IdFormat) -> Delivery:
    n = len(campaigns.name)
    data = table(
        "campaigns",
        {
            "campaign_id": pa.array(_campaign_ids(campaigns, fmt)),
            "name": pa.array(campaigns.name),
            "lead_source": pa.array(campaigns.source),
            "started_on": dates(campaigns.started),
            "ended_on": dates(campaigns.ended, null=campaigns.ended < 0),
        },
    )
    return Delivery(data, np.ones(n, dtype=np.int16), data)


def _spend(campaigns: Campaigns, fmt: IdFormat, batch_of: BatchOf) -> Delivery:
    order = np.lexsort((campaigns.spend_campaign, campaigns.spend_day))
    day = campaigns.spend_day[order]
    data = table(
        "campaign_spend",
        {
            "campaign_id": labels(campaigns.spend_campaign[order], _campaign_ids(campaigns, fmt)),
            "spend_date": dates(day),
            "amount": pa.array(campaigns.spend_amount[order], pa.float64()),
        },
    )
    return Delivery(data, batch_of(day), data)


def _accounts(accounts: Accounts, fmt: IdFormat) -> Delivery:
    data = table(
        "accounts",
        {
            "account_id": ids(ACCOUNT_ID[0], np.arange(1, accounts.n + 1), fmt.account),
            "name": accounts.name,
            "domain": accounts.domain,
            "industry": labels(accounts.industry, [i[0] for i in INDUSTRIES]),
            "employee_count": pa.array(accounts.employee_count, pa.int64()),
            "country": labels(accounts.country, [c[0] for c in COUNTRIES]),
        },
    )
    return Delivery(data, np.ones(accounts.n, dtype=np.int16), data)


def _funnel_summary(funnel: Funnel, opps: Opportunities) -> dict[str, Any]:
    """What the generator's own scorer found, for the warehouse's numbers to be compared with."""
    e = funnel.episodes
    by_channel = {}
    for code, (name, _lo, _hi) in enumerate(CHANNELS):
        mine = e["channel"] == code
        by_channel[name] = {"mql_episodes": int(mine.sum()), "sql": int(e["sql"][mine].sum())}
    return {
        "note": "computed by the generator's own scorer under the default seeds",
        "mql_episodes": int(e["lead"].size),
        "mql_leads": int(np.unique(e["lead"]).size),
        "re_mql_episodes": int((e["phase"] > 0).sum()),
        "sql_after_mql": int(e["sql"].sum()),
        "first_touch_after_48h": int((e["slow"] & ~e["never"]).sum()),
        "never_worked": int(e["never"].sum()),
        "opportunities": int(opps.n),
        "opportunities_without_lead": int((opps.lead < 0).sum()),
        "opportunities_won": int(opps.is_won.sum()),
        "by_channel": by_channel,
    }
