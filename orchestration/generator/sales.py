"""The sales side of the funnel: what happens to a lead after an MQL, or without one.

Every MQL episode gets a first touch (a sales call or e-mail with a 'Working' status at the same
moment), a share of them are accepted, qualified and converted into an opportunity, the rest
are recycled to nurture or disqualified. Qualification is drawn per channel so that the MQL ->
SQL rate of every channel, counted over all episodes, lands at BAND_POSITION of its benchmark
band in seeds/reference/channels.csv; a first touch after 48 hours (and more so after 7 days) and an
MQL under the loosened threshold lower the odds, and the channel's base rate is raised to make
up for them. Stratified systematic sampling turns those probabilities into SQLs so the
realised rates sit on target (within one SQL per stratum) instead of merely near it.

Sales statuses sit on even seconds and marketing activities on odd ones, so a status and an
activity of the same lead never tie (ties would make "the status at that moment" ambiguous).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orchestration.generator.config import ACT, AES, CHANNELS, DAY, HOUR, MINUTE, SDRS
from orchestration.generator.people import COMPETITOR, People
from orchestration.generator.scoring import NO_TIME
from orchestration.ingestion.contract import LEAD_STATUSES

STATUS = {s: i for i, s in enumerate(LEAD_STATUSES)}
REASONS = (
    "",
    "Not ready to buy",
    "No response",
    "Timing: next quarter",
    "No budget",
    "Not a fit",
    "Bad contact data",
    "Student",
    "Competitor",
    "BANT confirmed",
    "Opportunity created",
    "Demo request",
)
REASON = {r: i for i, r in enumerate(REASONS)}

P_NEVER_WORKED = 0.03
P_SLOW = 0.30  # first touch after 48 hours
# Speed to lead: conversion drops after 48 hours and more after 7 days; the blend of the two
# (most late touches come within the week) is about 40% below the prompt ones.
SLOW_FACTOR = 0.61
VERY_SLOW_FACTOR = 0.43
LOW_SCORE_FACTOR = 0.6  # MQLs under the loosened threshold convert worse
P_SAL = 0.66
# Where in its benchmark band a channel's MQL->SQL rate per MQL episode is aimed. Below the
# middle, because counted per lead (a person counts once; re-MQLs give a lead a second chance)
# the same funnel converts 2-6 points higher, and both views must stay inside the band.
BAND_POSITION = 0.35
P_CONVERT = 0.5  # of SQLs; of the others some are recycled, some disqualified, the rest stay
P_SQL_RECYCLED = 0.275
P_SQL_DISQUALIFIED = 0.1
P_SAL_RECYCLED = 0.75  # accepted but not qualified: recycled, else disqualified
P_WORKED_RECYCLED = 0.8  # worked but not accepted: recycled, else disqualified


@dataclass
class Events:
    """Column arrays of one kind of event, appended to in pieces."""

    columns: dict[str, type]
    parts: list[dict[str, np.ndarray]] = field(default_factory=list)

    def add(self, **arrays: np.ndarray) -> None:
        self.parts.append({c: np.asarray(arrays[c], dtype=d) for c, d in self.columns.items()})

    def concat(self) -> dict[str, np.ndarray]:
        return {
            c: np.concatenate([np.empty(0, d)] + [p[c] for p in self.parts])
            for c, d in self.columns.items()
        }


def even(t: np.ndarray) -> np.ndarray:
    """Sales statuses sit on even seconds, marketing activities on odd ones: never a tie."""
    return t + (t & 1)


def odd(t: np.ndarray) -> np.ndarray:
    return t | 1


def uniform(rng: np.random.Generator, low: int, high: int, n: int) -> np.ndarray:
    return rng.integers(low, high, n, dtype=np.int64)


def _clipped_lognormal(
    rng: np.random.Generator, median: float, sigma: float, low: float, high: float, n: int
) -> np.ndarray:
    return np.clip(rng.lognormal(np.log(median), sigma, n), low, high).astype(np.int64)


def systematic_sample(p: np.ndarray, u: float) -> np.ndarray:
    """Select each item with probability p_i (<= 1) so that every run of items gets within
    one of its expected count: the selections are where cumsum(p) + u passes an integer."""
    passed = np.floor(np.cumsum(p) + u)
    return np.diff(np.concatenate(([0.0], passed))) > 0


def _add_statuses(
    statuses: Events,
    lead: np.ndarray,
    t: np.ndarray,
    status: np.ndarray | int,
    reason: np.ndarray | int,
    by: np.ndarray,
    end: int,
    mask: np.ndarray,
) -> None:
    keep = mask & (t <= end)
    size = lead.size
    statuses.add(
        lead=lead[keep],
        t=t[keep],
        status=np.broadcast_to(status, size)[keep],
        reason=np.broadcast_to(reason, size)[keep],
        by=by[keep],
    )


def _touches(
    rng: np.random.Generator,
    sales: Events,
    lead: np.ndarray,
    first: np.ndarray,
    until: np.ndarray,
    end: int,
    mask: np.ndarray,
) -> None:
    """The first sales touch at ``first`` and up to three follow-ups before ``until``."""
    worked = mask & (first <= end)
    lead, first, until = lead[worked], first[worked], until[worked]
    kind = np.where(rng.random(lead.size) < 0.5, ACT["sales_call"], ACT["sales_email"])
    sales.add(lead=lead, t=first, type=kind)
    extra = rng.integers(0, 4, lead.size)
    who = np.repeat(np.arange(lead.size), extra)
    t = first[who] + uniform(rng, HOUR, 6 * DAY, who.size)
    keep = (t < until[who]) & (t <= end)
    kind = np.where(rng.random(who.size) < 0.6, ACT["sales_email"], ACT["sales_call"])
    sales.add(lead=lead[who][keep], t=t[keep], type=kind[keep])


def sales_path(
    rng: np.random.Generator,
    people: People,
    lead: np.ndarray,
    trigger: np.ndarray,
    low_score: np.ndarray,
    phase: int,
    end: int,
    statuses: Events,
    sales: Events,
    conversions: Events,
    episodes: Events,
    recycled: np.ndarray,
) -> None:
    """Working, Accepted, Qualified, Converted / Recycled / Disqualified after each MQL."""
    m = lead.size
    channel = people.channel[lead]
    never = rng.random(m) < P_NEVER_WORKED
    slow = rng.random(m) < P_SLOW
    fast_delay = _clipped_lognormal(rng, 4 * HOUR, 1.0, 10 * MINUTE, 47.5 * HOUR, m)
    slow_delay = int(48.5 * HOUR) + np.minimum(rng.exponential(60 * HOUR, m), 19 * DAY)
    working = even(trigger + np.where(slow, slow_delay, fast_delay).astype(np.int64))
    accepted = even(working + _clipped_lognormal(rng, 20 * HOUR, 0.8, HOUR, 5 * DAY, m))
    qualified = even(accepted + _clipped_lognormal(rng, 4 * DAY, 0.7, 6 * HOUR, 30 * DAY, m))

    delay = working - trigger
    weight = np.select(
        [never, delay > 7 * DAY, delay > 48 * HOUR], [0.0, VERY_SLOW_FACTOR, SLOW_FACTOR], 1.0
    )
    weight *= np.where(low_score, LOW_SCORE_FACTOR, 1.0)
    observable = ~never & (qualified <= end)
    p_sql = np.zeros(m)
    for code, (_name, low, high) in enumerate(CHANNELS):
        mine = channel == code
        denominator = (weight * observable)[mine].sum()
        if denominator > 0:
            base = (low + BAND_POSITION * (high - low)) * mine.sum() / denominator
            p_sql[mine] = base * (weight * observable)[mine]
    p_sql = np.minimum(p_sql, P_SAL)
    order = np.lexsort((rng.random(m), weight, channel))  # strata: channel x weight
    sql = np.zeros(m, dtype=bool)
    sql[order] = systematic_sample(p_sql[order], rng.random())
    sal = sql | (~never & (rng.random(m) < (P_SAL - p_sql) / (1 - p_sql)))

    u = rng.random(m)
    after_qualified = qualified + uniform(rng, DAY, 20 * DAY, m)
    after_accepted = accepted + uniform(rng, 5 * DAY, 40 * DAY, m)
    later = np.select(
        [sql, sal], [after_qualified, after_accepted], working + uniform(rng, 3 * DAY, 25 * DAY, m)
    )
    later = even(later)
    recycled_by = P_CONVERT + P_SQL_RECYCLED
    outcome = np.select(
        [
            never,
            sql & (u < P_CONVERT),
            sql & (u < recycled_by),
            sql & (u < recycled_by + P_SQL_DISQUALIFIED),
            sql,
            sal & (u < P_SAL_RECYCLED),
            sal,
            u < P_WORKED_RECYCLED,
        ],
        [-1, STATUS["Converted"], STATUS["Recycled"], STATUS["Disqualified"], -1,
         STATUS["Recycled"], STATUS["Disqualified"], STATUS["Recycled"]],
        STATUS["Disqualified"],
    )  # fmt: skip
    # Unconverted SQLs are recycled or disqualified weeks later, not days.
    later = np.where(sql & (outcome != STATUS["Converted"]), later + 14 * DAY, later)
    sdr = rng.integers(0, len(SDRS), m)
    ae = len(SDRS) + rng.integers(0, len(AES), m)
    _add_statuses(statuses, lead, working, STATUS["Working"], 0, sdr, end, ~never)
    _add_statuses(statuses, lead, accepted, STATUS["Accepted"], 0, sdr, end, sal)
    _add_statuses(
        statuses, lead, qualified, STATUS["Qualified"], REASON["BANT confirmed"], ae, end, sql
    )
    reason = np.select(
        [outcome == STATUS["Converted"], outcome == STATUS["Recycled"]],
        [
            REASON["Opportunity created"],
            rng.integers(REASON["Not ready to buy"], REASON["Timing: next quarter"] + 1, m),
        ],
        rng.integers(REASON["No budget"], REASON["Bad contact data"] + 1, m),
    )
    _add_statuses(statuses, lead, later, outcome, reason, np.where(sql, ae, sdr), end, outcome >= 0)
    converted = (outcome == STATUS["Converted"]) & (later <= end)
    conversions.add(lead=lead[converted], t=later[converted])
    back = (outcome == STATUS["Recycled"]) & (later <= end)
    recycled[lead[back]] = later[back]

    _touches(rng, sales, lead, working, np.where(outcome >= 0, later, NO_TIME), end, ~never)
    met = sql & (qualified <= end)
    sales.add(lead=lead[met], t=qualified[met], type=np.full(met.sum(), ACT["meeting_held"]))
    episodes.add(
        lead=lead,
        t=trigger,
        channel=channel,
        slow=slow,
        low_score=low_score,
        never=never,
        sql=sql & (qualified <= end),
        phase=np.full(m, phase),
    )


def skip_paths(
    rng: np.random.Generator,
    people: People,
    block: dict[str, np.ndarray],
    trigger: np.ndarray,
    end: int,
    statuses: Events,
    sales: Events,
    conversions: Events,
    recycled: np.ndarray,
) -> None:
    """Skipped stages (visible, not errors): outbound leads worked and qualified without an MQL,
    demo requests qualified at once; junk (students, competitors) disqualified."""
    until = block["until"]
    outbound = block["outbound"][trigger[block["outbound"]] < 0]
    m = outbound.size
    working = until[outbound]
    sdr = rng.integers(0, len(SDRS), m)
    ae = len(SDRS) + rng.integers(0, len(AES), m)
    u = rng.random(m)
    qualified = u < 0.15
    later = even(
        working
        + np.where(
            qualified, uniform(rng, 3 * DAY, 30 * DAY, m), uniform(rng, 10 * DAY, 60 * DAY, m)
        )
    )
    after = np.select(
        [qualified, u < 0.575, u < 0.745],
        [STATUS["Qualified"], STATUS["Recycled"], STATUS["Disqualified"]],
        -1,
    )
    reason = np.select(
        [qualified, after == STATUS["Recycled"]],
        [REASON["BANT confirmed"], REASON["No response"]],
        REASON["Not a fit"],
    )
    _add_statuses(statuses, outbound, working, STATUS["Working"], 0, sdr, end, np.ones(m, bool))
    _add_statuses(
        statuses, outbound, later, after, reason, np.where(qualified, ae, sdr), end, after >= 0
    )
    _touches(
        rng, sales, outbound, working, np.where(after >= 0, later, NO_TIME), end, np.ones(m, bool)
    )
    back = (after == STATUS["Recycled"]) & (later <= end)
    recycled[outbound[back]] = later[back]
    converting = qualified & (rng.random(m) < P_CONVERT)
    _convert(
        rng, outbound[converting], later[converting], ae[converting], end, statuses, conversions
    )

    demo = block["demo"][trigger[block["demo"]] < 0]
    q_at = until[demo]
    ae = len(SDRS) + rng.integers(0, len(AES), demo.size)
    _add_statuses(
        statuses,
        demo,
        q_at,
        STATUS["Qualified"],
        REASON["Demo request"],
        ae,
        end,
        np.ones(demo.size, bool),
    )
    met = q_at <= end
    sales.add(lead=demo[met], t=q_at[met], type=np.full(met.sum(), ACT["meeting_held"]))
    converting = rng.random(demo.size) < 0.6
    _convert(rng, demo[converting], q_at[converting], ae[converting], end, statuses, conversions)

    junk = block["junk"]
    junk_reason = np.where(
        people.email_type[junk] == COMPETITOR, REASON["Competitor"], REASON["Student"]
    )
    sdr = rng.integers(0, len(SDRS), junk.size)
    _add_statuses(
        statuses,
        junk,
        until[junk],
        STATUS["Disqualified"],
        junk_reason,
        sdr,
        end,
        np.ones(junk.size, bool),
    )


def _convert(
    rng: np.random.Generator,
    lead: np.ndarray,
    qualified_at: np.ndarray,
    by: np.ndarray,
    end: int,
    statuses: Events,
    conversions: Events,
) -> None:
    at = even(qualified_at + uniform(rng, DAY, 20 * DAY, lead.size))
    _add_statuses(
        statuses,
        lead,
        at,
        STATUS["Converted"],
        REASON["Opportunity created"],
        by,
        end,
        qualified_at <= end,
    )
    done = (at <= end) & (qualified_at <= end)
    conversions.add(lead=lead[done], t=at[done])
