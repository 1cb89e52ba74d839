"""Deterministic demo data for the lead-funnel warehouse: a landing zone per the raw contract.

``generate`` writes ``<out_dir>/<table>/*.parquet`` (or ``*.csv``) for every table of
orchestration/ingestion/contract.py and ``<out_dir>/_generator_manifest.json``. The data is
designed to come out right under the default scoring seeds (see funnel.py for how), is the same
bytes for the same arguments (numpy PCG64 streams, no wall clock), and is vectorised throughout
so a million leads with twenty million activities take well under two minutes.

``batches=K`` splits the same data into K daily deliveries; ``dirty=True`` adds CSV files of
deliberately bad rows, each listed in the manifest by kind (see dirty.py). ``shape`` writes the
same world in the raw tables of Salesforce and/or Marketo instead (see shapes.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from orchestration.generator.arrow import dates, id_width, ids, labels, table, timestamps, write
from orchestration.generator.config import (
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
from orchestration.generator.deals import (
    Campaigns,
    Opportunities,
    attribute_campaigns,
    make_campaigns,
    make_opportunities,
    pick_urls,
    url_vocabulary,
)
from orchestration.generator.dirty import write_dirty
from orchestration.generator.funnel import Funnel, run_funnel
from orchestration.generator.people import (
    Accounts,
    People,
    account_count,
    lead_source_vocabulary,
    make_people,
)
from orchestration.generator.sales import REASONS, STATUS
from orchestration.generator.shapes import SHAPES, Shaped, check_shape, shape_world
from orchestration.generator.vendor_dirty import write_vendor_dirty
from orchestration.ingestion.contract import TABLES
from orchestration.ingestion.systems import SYSTEMS

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


ID_PREFIX = {
    "lead": LEAD_ID[0],
    "activity": ACTIVITY_ID[0],
    "opportunity": OPPORTUNITY_ID[0],
    "campaign": CAMPAIGN_ID[0],
    "account": ACCOUNT_ID[0],
}


@dataclass(frozen=True)
class IdFormat:
    """Digits of each kind of id, and (for the parts of a large run) the number each kind
    counts on from, so that the ids of every part are distinct."""

    lead: int
    activity: int
    opportunity: int
    campaign: int
    account: int
    base: dict[str, int] = field(default_factory=dict)

    def ids(self, kind: str, number: np.ndarray) -> pa.Array:
        """Ids of 1-based ``number`` (null where number <= 0), counted on from the base."""
        number = np.asarray(number, dtype=np.int64)
        base = self.base.get(kind, 0)
        if base:
            number = np.where(number > 0, number + base, 0)
        return ids(ID_PREFIX[kind], number, getattr(self, kind))


@dataclass(frozen=True)
class _Part:
    """What one part of a run leaves behind once its files are written."""

    files: dict[str, int]
    summary: dict[str, Any]
    counts: dict[str, int]  # lead, activity, opportunity and account numbers it used
    campaigns: Campaigns
    final: dict[str, pa.Table]  # for the dirty rows (single-part runs only)
    fmt: IdFormat
    shaped: Shaped | None = None  # the world in a vendor shape (single-part runs only)


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
    part_size: int | None = None,
    shape: str = "landing",
) -> dict:
    """Write the demo landing zone and its manifest; return the manifest.

    ``shape`` is 'landing' (the landing contract only), 'salesforce', 'marketo' or
    'salesforce+marketo': the same world in those systems' raw tables, in
    ``<out_dir>/<system>/<table>/``, with only what they cannot carry landed (shapes.py).

    ``part_size`` bounds memory: more leads than that are made as independent parts of at
    most ``part_size`` leads each (own random streams, own accounts, ids counted on from the
    previous part's), written as ``batch_NNNN.part_PPPP.<format>``. Campaigns are shared:
    every part runs the same flights and adds its leads' spend to them. About 2.5 GiB of
    memory per million leads in a part.
    """
    if n_leads < 1:
        raise ValueError("n_leads must be at least 1")
    if batches < 1:
        raise ValueError("batches must be at least 1")
    if file_format not in ("parquet", "csv"):
        raise ValueError(f"file_format must be 'parquet' or 'csv', not {file_format!r}")
    if part_size is not None and part_size < 1:
        raise ValueError("part_size must be at least 1")
    check_shape(shape)
    sizes = _part_sizes(n_leads, part_size)
    if dirty and len(sizes) > 1:
        raise ValueError("dirty rows are written for single-part runs only; raise part_size")
    if shape != "landing" and len(sizes) > 1:
        raise ValueError(f"shape {shape} is written for single-part runs only; raise part_size")
    start_s = parse_ts(start) // DAY * DAY
    end_s = parse_ts(end) // DAY * DAY + DAY - 1  # the whole last day
    if end_s - start_s < batches * DAY:
        raise ValueError("the period must be longer than the number of batches in days")
    out_dir = Path(out_dir)
    if (out_dir / MANIFEST_NAME).exists() or any(
        any((out_dir / name).glob("*")) for name in (*TABLES, *SYSTEMS) if (out_dir / name).is_dir()
    ):
        # Landing files are immutable deliveries: rewriting them (or leaving stale batches of
        # an earlier run beside new ones) would corrupt what a loader has already seen.
        raise FileExistsError(f"{out_dir} already holds landing data; remove it first")

    run = _Run(start_s, end_s, batches, file_format, out_dir, shape)
    dirty_rows = None
    system_rows = None
    if len(sizes) == 1:
        rngs = _rngs(np.random.SeedSequence(seed))
        part = run.part(n_leads, rngs, None, None)
        files, summary = dict(part.files), part.summary
        if dirty and part.shaped is not None:
            dirty_rows = write_vendor_dirty(rngs[5], out_dir, part.shaped, files)
        elif dirty:
            dirty_rows = write_dirty(rngs[5], out_dir, part.final, part.campaigns, part.fmt, files)
        if part.shaped is not None:
            system_rows = {
                system: {
                    table: sum(
                        count
                        for path, count in files.items()
                        if path.startswith(f"{system}/{table}/")
                    )
                    for table in SYSTEMS[system].tables
                }
                for system in SHAPES[shape]
            }
    else:
        fixed = IdFormat(
            lead=id_width(LEAD_ID[1], _with_room(n_leads)),
            activity=id_width(ACTIVITY_ID[1], _with_room(MAX_ACTIVITIES_PER_LEAD * n_leads)),
            opportunity=id_width(OPPORTUNITY_ID[1], _with_room(n_leads)),
            campaign=CAMPAIGN_ID[1],  # about fifty, shared by the parts
            account=id_width(ACCOUNT_ID[1], sum(account_count(n) for n in sizes)),
        )
        # One campaign plan for all parts (its own stream: no part is numbered len(sizes)).
        campaign_seed = np.random.SeedSequence([seed, len(sizes)])
        files, summaries, campaigns = {}, [], None
        base = {"lead": 0, "activity": 0, "opportunity": 0, "account": 0}
        for p, size in enumerate(sizes):
            rngs = _rngs(np.random.SeedSequence([seed, p]))
            fmt = replace(fixed, base=dict(base))
            part = run.part(size, rngs, fmt, np.random.Generator(np.random.PCG64(campaign_seed)), p)
            files.update(part.files)
            summaries.append(part.summary)
            base = {kind: base[kind] + part.counts[kind] for kind in base}
            if campaigns is None:
                campaigns = part.campaigns
            else:  # the same flights and days: add this part's spend
                if not np.array_equal(campaigns.spend_day, part.campaigns.spend_day):
                    raise AssertionError("the parts' campaign flights differ")
                np.add(
                    campaigns.spend_amount, part.campaigns.spend_amount, out=campaigns.spend_amount
                )
            del part
        assert campaigns is not None
        shared = {
            "campaigns": _campaigns(campaigns, fixed),
            "campaign_spend": _spend(campaigns, fixed, run.batch_of),
        }
        files.update(_write_deliveries(shared, out_dir, batches, file_format))
        summary = _sum_summaries(summaries)
    manifest: dict[str, Any] = {
        "generator": "orchestration.generator",
        "seed": seed,
        "n_leads": n_leads,
        "start": start,
        "end": end,
        "batches": batches,
        "file_format": file_format,
        "dirty": dirty,
        "parts": len(sizes),
        "shape": shape,
        "expected_funnel": summary,
    }
    if dirty_rows is not None:
        manifest["dirty_rows"] = dirty_rows
    if system_rows is not None:
        manifest["system_rows"] = system_rows
    manifest["files"] = dict(sorted(files.items()))
    manifest["rows"] = {
        name: sum(count for path, count in files.items() if path.startswith(f"{name}/"))
        for name in TABLES
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


MAX_ACTIVITIES_PER_LEAD = 40  # room for the activity ids of a multi-part run


def _rngs(seed: np.random.SeedSequence) -> list[np.random.Generator]:
    """people, funnel, deals, campaign, batch and dirty streams"""
    return [np.random.Generator(np.random.PCG64(s)) for s in seed.spawn(6)]


def _part_sizes(n_leads: int, part_size: int | None) -> list[int]:
    if part_size is None or n_leads <= part_size:
        return [n_leads]
    full, rest = divmod(n_leads, part_size)
    return [part_size] * full + ([rest] if rest else [])


@dataclass(frozen=True)
class _Run:
    start_s: int
    end_s: int
    batches: int
    file_format: str
    out_dir: Path
    shape: str = "landing"

    def batch_of(self, seconds: np.ndarray) -> np.ndarray:
        day_of_end = self.end_s // DAY
        return np.clip(self.batches - (day_of_end - seconds // DAY), 1, self.batches).astype(
            np.int16
        )

    def part(
        self,
        n_leads: int,
        rngs: list[np.random.Generator],
        fmt: IdFormat | None,
        campaign_plan_rng: np.random.Generator | None,
        number: int | None = None,
    ) -> _Part:
        """Make and write one part. With ``fmt`` None the widths fit this part exactly and
        the campaigns and their spend are written with it (a single-part run)."""
        people_rng, funnel_rng, deals_rng, campaign_rng, batch_rng, _dirty_rng = rngs
        start_s, end_s = self.start_s, self.end_s
        people, accounts = make_people(people_rng, n_leads, start_s, end_s)
        funnel = run_funnel(funnel_rng, people, end_s)
        sources = [text for text, _channel in lead_source_vocabulary()]
        opportunities = make_opportunities(
            deals_rng, people, funnel.conversions, accounts.employee_count, sources, start_s, end_s
        )
        campaigns = make_campaigns(campaign_plan_rng or campaign_rng, people, start_s, end_s)
        n_activities = funnel.activities["t"].size
        if fmt is None:
            # Widths leave room for the ids of dirty rows, so clean and dirty ids look alike.
            fmt = IdFormat(
                lead=id_width(LEAD_ID[1], _with_room(n_leads)),
                activity=id_width(ACTIVITY_ID[1], _with_room(n_activities)),
                opportunity=id_width(OPPORTUNITY_ID[1], _with_room(opportunities.n)),
                campaign=id_width(CAMPAIGN_ID[1], len(campaigns.name)),
                account=id_width(ACCOUNT_ID[1], accounts.n),
            )
        deliveries = {
            "leads": _leads(people, sources, fmt, self.batch_of),
            "activities": _activities(
                funnel,
                people,
                campaigns,
                fmt,
                self.batch_of,
                campaign_rng,
                batch_rng,
                self.batches,
                end_s // DAY,
            ),
            "lead_status_history": _statuses(funnel, fmt, self.batch_of),
            "opportunities": _opportunities(opportunities, fmt, self.batch_of),
            "opportunity_stage_history": _stage_history(opportunities, fmt, self.batch_of),
            "accounts": _accounts(accounts, fmt),
        }
        if number is None:
            deliveries["campaigns"] = _campaigns(campaigns, fmt)
            deliveries["campaign_spend"] = _spend(campaigns, fmt, self.batch_of)
        shaped = None
        if self.shape == "landing":
            files = _write_deliveries(
                deliveries, self.out_dir, self.batches, self.file_format, number
            )
        else:  # the same world in the systems' tables, and on the landing what they lack
            shaped = shape_world(self.shape, deliveries)
            files = _write_deliveries(shaped.landing, self.out_dir, self.batches, self.file_format)
            vendor = shaped.vendor_files(self.file_format)
            files.update(_write_deliveries(vendor, self.out_dir, self.batches, self.file_format))
        return _Part(
            files=files,
            summary=_funnel_summary(funnel, opportunities),
            counts={
                "lead": n_leads,
                "activity": n_activities,
                "opportunity": opportunities.n,
                "account": accounts.n,
            },
            campaigns=campaigns,
            final={name: d.final for name, d in deliveries.items()} if number is None else {},
            fmt=fmt,
            shaped=shaped,
        )


def _sum_summaries(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """The parts' funnel summaries added up, key by key."""
    total: dict[str, Any] = {}
    for key, value in summaries[0].items():
        if isinstance(value, dict):
            total[key] = _sum_summaries([s[key] for s in summaries])
        elif isinstance(value, int):
            total[key] = sum(s[key] for s in summaries)
        else:
            total[key] = value
    return total


def _with_room(count: int) -> int:
    return count + count // 100 + 2_000


def _write_deliveries(
    deliveries: dict[str, Delivery],
    out_dir: Path,
    batches: int,
    file_format: str,
    part: int | None = None,
) -> dict[str, int]:
    files: dict[str, int] = {}
    suffix = "" if part is None else f".part_{part:04d}"
    for name, delivery in deliveries.items():
        bounds = np.searchsorted(delivery.batch, np.arange(1, batches + 2))
        for k in range(1, batches + 1):
            lo, hi = int(bounds[k - 1]), int(bounds[k])
            if hi == lo and not (k == 1 and delivery.data.num_rows == 0):
                continue
            # batch_NNNN also for one batch, so that dirty_NNNN deliveries sort (and load) after
            # the clean data they collide with; the parts of a batch sort together.
            rel = f"{name}/batch_{k:04d}{suffix}.{file_format}"
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
            "lead_id": fmt.ids("lead", number),
            "email": people.email,
            "company_name": people.company_name,
            "account_id": fmt.ids("account", people.account + 1),
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
            "merged_into_lead_id": fmt.ids("lead", people.merged_into + 1),
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
            "activity_id": fmt.ids("activity", number),
            "lead_id": fmt.ids("lead", lead + 1),
            "activity_type": labels(act_type, list(ACT_NAMES)),
            "occurred_at": timestamps(t),
            "campaign_id": labels(campaign, _campaign_ids(campaigns, fmt)),
            "url": labels(url, url_vocabulary()[0]),
        },
    )
    return Delivery(data, batch, data)


def _campaign_ids(campaigns: Campaigns, fmt: IdFormat) -> list[str]:
    return fmt.ids("campaign", np.arange(1, len(campaigns.name) + 1)).to_pylist()


def _statuses(funnel: Funnel, fmt: IdFormat, batch_of: BatchOf) -> Delivery:
    s = funnel.statuses
    order = np.lexsort((s["status"], s["lead"], s["t"]))
    lead, t, status, reason, by = (s[c][order] for c in ("lead", "t", "status", "reason", "by"))
    # changed_by: -1 system, -2 list import, then the SDRs, then the AEs
    people_names = ("list_import", "system", *SDRS, *AES)
    data = table(
        "lead_status_history",
        {
            "lead_id": fmt.ids("lead", lead + 1),
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
            "opportunity_id": fmt.ids("opportunity", number),
            "lead_id": fmt.ids("lead", opps.lead + 1),
            "account_id": fmt.ids("account", opps.account + 1),
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
            "opportunity_id": fmt.ids("opportunity", opps.history_opp[order] + 1),
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
            "account_id": fmt.ids("account", np.arange(1, accounts.n + 1)),
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
