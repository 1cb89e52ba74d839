"""What the demo leads do: marketing activity, MQLs, and the sales path that follows them.

Leads are designed in groups with margin under the default scoring (DOMAIN.md section 3):

- hot: fit >= 55 and, some time after creation, a burst of five page views, a case study, maybe
  a webinar, a pricing page view and a demo/trial/consultation request within about an hour:
  engagement >= 95, lead score >= 75, an MQL under either definition;
- borderline: a fit between 55 and 90 and a burst whose capped categories add up to exactly
  135 - fit, so the lead score peaks at 67.5: an MQL under v2 (65) but not under v1 (70);
  nothing else may add engagement around that peak (web-only activity, which is capped);
- nurture: never a high-intent action; poor fit (<= 30) leads may have some, they never MQL;
- skipped stages: outbound leads worked without an MQL, demo requests qualified directly.

Who really became an MQL, and when, is not assumed from the design but computed with
scoring.py on the final activity stream (merged duplicates count for their survivor,
recycles reset engagement), and the sales path is drawn from those triggers. MQL -> SQL
conversion is calibrated per channel to the middle of its benchmark band by stratified
systematic sampling, so the realised rates sit on target rather than merely near it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.generator.config import (
    ACT,
    CH,
    CHANNELS,
    DAY,
    HOUR,
    MINUTE,
    SENIORITIES,
)
from orchestration.generator.people import COMPETITOR, SENIORITY_OF_TITLE, People
from orchestration.generator.sales import (
    STATUS,
    Events,
    even,
    odd,
    sales_path,
    skip_paths,
    uniform,
)
from orchestration.generator.scoring import NO_TIME, first_triggers

NURTURE, HOT, BORDER, POOR_FIT_INTENT, OUTBOUND_SKIP, DEMO_SKIP, DUPLICATE, DELETED = range(8)
# Share of a channel's leads that are designed to MQL (lead -> MQL differs by channel).
HOT_SHARE = {
    "organic_content": 0.2,
    "paid_search": 0.1,
    "referral": 0.3,
    "webinar": 0.22,
    "event": 0.18,
    "outbound": 0.1,
    "ai_referral": 0.25,
    "other": 0.1,
}
BORDER_SHARE = 0.04
P_REENGAGE = 0.35
MAX_PHASES = 8

BACKGROUND_MEAN = 19.6
BACKGROUND_SHAPE = 1.2
BACKGROUND_MAX = 400

# Background activity mix (no high-intent types) and per-channel emphasis.
BACKGROUND_MIX = {
    "page_view": 0.34,
    "email_open": 0.26,
    "email_click": 0.09,
    "email_reply": 0.012,
    "content_download": 0.07,
    "case_study_download": 0.025,
    "form_submit": 0.035,
    "webinar_registered": 0.04,
    "webinar_attended": 0.025,
    "event_attended": 0.012,
    "unsubscribe": 0.006,
    "email_bounce": 0.005,
}
CHANNEL_EMPHASIS = {
    "organic_content": {"content_download": 1.6, "case_study_download": 1.6, "page_view": 1.3},
    "paid_search": {"page_view": 1.2, "form_submit": 1.3},
    "webinar": {"webinar_registered": 3.0, "webinar_attended": 3.0},
    "event": {"event_attended": 4.0},
    "outbound": {"email_open": 1.6, "email_click": 1.6, "email_reply": 1.6, "page_view": 0.6},
    "ai_referral": {"page_view": 1.4, "content_download": 1.2},
}
# The activity that created the lead, per channel: (type, share).
CREATION = {
    "organic_content": (("content_download", 0.5), ("form_submit", 0.3), ("page_view", 0.2)),
    "paid_search": (("form_submit", 0.7), ("content_download", 0.3)),
    "referral": (("form_submit", 1.0),),
    "webinar": (("webinar_registered", 1.0),),
    "event": (("event_attended", 1.0),),
    "ai_referral": (("form_submit", 0.6), ("page_view", 0.4)),
    "other": (("form_submit", 1.0),),
}
# Borderline bursts after five page views (web capped at 20), by fit: 20 + items = 135 - fit.
BORDER_RECIPES = {
    55: ("pricing_page_view", "demo_request"),
    60: ("email_reply", "email_reply", "demo_request"),
    65: ("email_reply", "email_reply", "trial_signup"),
    70: ("email_reply", "email_reply", "webinar_registered", "pricing_page_view"),
    75: ("demo_request",),
    80: ("trial_signup",),
    85: ("webinar_registered", "pricing_page_view"),
    90: ("pricing_page_view",),
}


@dataclass
class Funnel:
    activities: dict[str, np.ndarray]  # lead, t, type
    statuses: dict[str, np.ndarray]  # lead, t, status, reason, by
    conversions: dict[str, np.ndarray]  # lead, t
    episodes: dict[str, np.ndarray]  # lead, t, channel, slow, low_score, never, sql, phase


def _choice(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    names = np.array([ACT[o[0]] for o in options], dtype=np.int8)
    p = np.array([o[1] for o in options])
    return names[rng.choice(len(p), size=n, p=p / p.sum())]


def assign_groups(rng: np.random.Generator, people: People) -> np.ndarray:
    n = people.n
    group = np.full(n, NURTURE, dtype=np.int8)
    free = (people.merged_into < 0) & (people.deleted_at < 0)
    is_target = np.zeros(n, dtype=bool)
    is_target[people.merged_into[people.merged_into >= 0]] = True
    fit = people.fit
    u = rng.random(n)
    good = free & (fit >= 55)
    for code, (name, _lo, _hi) in enumerate(CHANNELS):
        mine = people.channel == code
        p_good = good[mine].mean() if mine.any() else 0.0
        p_hot = min(1.0, HOT_SHARE[name] / p_good) if p_good > 0 else 0.0
        group[mine & good & (u < p_hot)] = HOT
    border_ok = free & ~is_target & (group == NURTURE) & (fit >= 55) & (fit <= 90)
    border_ok &= np.mod(fit, 5) == 0
    p_border = min(1.0, BORDER_SHARE * n / max(border_ok.sum(), 1))
    group[border_ok & (rng.random(n) < p_border)] = BORDER
    rest = free & (group == NURTURE)
    group[rest & (fit <= 30) & (rng.random(n) < 0.3)] = POOR_FIT_INTENT
    outbound = people.channel == CH["outbound"]
    group[rest & outbound & (fit > 30) & (rng.random(n) < 0.08)] = OUTBOUND_SKIP
    demo_ok = rest & ~is_target & (fit >= 40) & (fit <= 60) & (group == NURTURE)
    group[demo_ok & (rng.random(n) < 0.02)] = DEMO_SKIP
    group[people.merged_into >= 0] = DUPLICATE
    group[people.deleted_at >= 0] = DELETED
    return group


def _burst_times(rng: np.random.Generator, created: np.ndarray) -> np.ndarray:
    """When a designed burst starts: a third on the first visit, the rest weeks later."""
    n = len(created)
    same_visit = rng.random(n) < 0.3
    later = rng.exponential(45 * DAY, n).astype(np.int64)
    return odd(created + np.where(same_visit, rng.integers(MINUTE, 30 * MINUTE, n), later))


def _slots(
    rng: np.random.Generator, lead: np.ndarray, start: np.ndarray, types: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flatten a (leads x slots) matrix of activity types (-1 = none) into activities a few
    minutes apart, starting at ``start``."""
    gaps = 30 + rng.exponential(5 * MINUTE, types.shape).astype(np.int64)
    gaps[:, 0] = 0
    times = odd(start[:, None] + np.cumsum(gaps, axis=1))
    present = types >= 0
    return np.broadcast_to(lead[:, None], types.shape)[present], times[present], types[present]


def hot_burst(
    rng: np.random.Generator, lead: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(lead)
    finale = _choice(
        rng, (("demo_request", 0.55), ("trial_signup", 0.25), ("consultation_request", 0.2)), n
    )
    webinar = np.where(rng.random(n) < 0.5, ACT["webinar_attended"], -1)
    tail = np.where(rng.random(n) < 0.5, ACT["page_view"], -1)
    pv = np.full(n, ACT["page_view"])
    case_study = np.full(n, ACT["case_study_download"])
    pricing = np.full(n, ACT["pricing_page_view"])
    columns = [pv] * 5 + [case_study, webinar, pricing, finale, tail]
    types = np.stack(columns, axis=1).astype(np.int64)
    return _slots(rng, lead, start, types)


def border_burst(
    rng: np.random.Generator, lead: np.ndarray, start: np.ndarray, fit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = 5 + max(len(r) for r in BORDER_RECIPES.values())
    table = np.full((91, width), -1, dtype=np.int64)
    for f, recipe in BORDER_RECIPES.items():
        table[f, :5] = ACT["page_view"]
        table[f, 5 : 5 + len(recipe)] = [ACT[r] for r in recipe]
    return _slots(rng, lead, start, table[fit.astype(np.int64)])


def background(
    rng: np.random.Generator,
    people: People,
    group: np.ndarray,
    stop: np.ndarray,
    web_only_until: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Low- and mid-intent activity over each lead's life: e-mails, visits, content, events."""
    n = people.n
    p = BACKGROUND_SHAPE / (BACKGROUND_SHAPE + BACKGROUND_MEAN)
    count = np.minimum(rng.negative_binomial(BACKGROUND_SHAPE, p, n), BACKGROUND_MAX)
    lead = np.repeat(np.arange(n, dtype=np.int64), count)
    scale = rng.lognormal(np.log(100 * DAY), 0.7, n)
    t = odd(people.created[lead] + (rng.exponential(1.0, lead.size) * scale[lead]).astype(np.int64))
    keep = t <= stop[lead]
    lead, t = lead[keep], t[keep]
    act_type = np.empty(lead.size, dtype=np.int64)
    channel = people.channel[lead]
    for code, (name, _lo, _hi) in enumerate(CHANNELS):
        mine = np.flatnonzero(channel == code)
        emphasis = CHANNEL_EMPHASIS.get(name, {})
        mix = tuple((k, w * emphasis.get(k, 1.0)) for k, w in BACKGROUND_MIX.items())
        act_type[mine] = _choice(rng, mix, mine.size)
    negative = (act_type == ACT["unsubscribe"]) | (act_type == ACT["email_bounce"])
    may_be_negative = (group == NURTURE) | (group == POOR_FIT_INTENT)
    act_type[negative & ~may_be_negative[lead]] = ACT["email_open"]
    restricted = np.flatnonzero(t < web_only_until[lead])
    act_type[restricted] = _choice(
        rng, (("page_view", 0.92), ("form_submit", 0.08)), restricted.size
    )
    return lead, t, act_type


def creation_activities(
    rng: np.random.Generator, people: People, group: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The form fill, download or registration that created the lead (outbound: none)."""
    lead_parts, type_parts = [], []
    for code, (name, _lo, _hi) in enumerate(CHANNELS):
        if name not in CREATION:
            continue
        mine = np.flatnonzero(people.channel == code)
        lead_parts.append(mine)
        type_parts.append(_choice(rng, CREATION[name], mine.size).astype(np.int64))
    lead = np.concatenate(lead_parts)
    act_type = np.concatenate(type_parts)
    careful = (group[lead] == BORDER) | (group[lead] == DEMO_SKIP)
    act_type[careful] = ACT["form_submit"]
    return lead, people.created[lead], act_type


def run_funnel(rng: np.random.Generator, people: People, end: int) -> Funnel:
    """Activities, MQL episodes, status history and conversions of all leads."""
    n = people.n
    group = assign_groups(rng, people)
    stop = np.full(n, end, dtype=np.int64)
    stop = np.where(people.merged_at >= 0, people.merged_at, stop)
    stop = np.where(people.deleted_at >= 0, people.deleted_at, stop)

    burst_at = np.full(n, NO_TIME, dtype=np.int64)
    designed = np.flatnonzero((group == HOT) | (group == BORDER))
    burst_at[designed] = _burst_times(rng, people.created[designed])
    demo = np.flatnonzero(group == DEMO_SKIP)
    demo_at = odd(people.created[demo] + rng.exponential(20 * DAY, demo.size).astype(np.int64))
    web_only_until = np.full(n, -1, dtype=np.int64)
    border = group == BORDER
    web_only_until[border] = burst_at[border] + 31 * DAY
    web_only_until[demo] = demo_at + 31 * DAY

    hot_lead, hot_at = _due(np.flatnonzero(group == HOT), burst_at, stop)
    border_lead, border_at = _due(np.flatnonzero(border), burst_at, stop)
    marketing = Events({"lead": np.int32, "t": np.int64, "type": np.int8})
    for lead, t, act_type in (
        background(rng, people, group, stop, web_only_until),
        creation_activities(rng, people, group),
        _poor_fit_intent(rng, people, group, stop),
        hot_burst(rng, hot_lead, hot_at),
        border_burst(rng, border_lead, border_at, people.fit[border_lead]),
        (demo, demo_at, np.full(demo.size, ACT["demo_request"])),
    ):
        keep = t <= stop[lead]
        marketing.add(lead=lead[keep], t=t[keep], type=act_type[keep])

    statuses = Events(
        {"lead": np.int32, "t": np.int64, "status": np.int8, "reason": np.int8, "by": np.int8}
    )
    sales = Events({"lead": np.int32, "t": np.int64, "type": np.int8})
    conversions = Events({"lead": np.int64, "t": np.int64})
    episodes = Events(
        {
            "lead": np.int64,
            "t": np.int64,
            "channel": np.int8,
            "slow": bool,
            "low_score": bool,
            "never": bool,
            "sql": bool,
            "phase": np.int8,
        }
    )
    statuses.add(
        lead=np.arange(n),
        t=people.created,
        status=np.full(n, STATUS["Open"]),
        reason=np.zeros(n, dtype=np.int64),
        by=np.where(people.channel == CH["outbound"], -2, -1),
    )
    block = _skip_blocks(rng, people, group, demo, demo_at, end)
    window_start = np.full(n, -1, dtype=np.int64)
    window_end = block["until"]
    for phase in range(MAX_PHASES):
        acts = marketing.concat()
        owner = people.survivor[acts["lead"]]
        counted = people.deleted_at[owner] < 0
        triggers = first_triggers(
            owner[counted],
            acts["t"][counted],
            acts["type"][counted],
            people.fit,
            window_start,
            window_end,
        )
        recycled = np.full(n, -1, dtype=np.int64)
        if phase == 0:
            skip_paths(
                rng, people, block, triggers.time, end, statuses, sales, conversions, recycled
            )
        mql = np.flatnonzero(triggers.time >= 0)
        if mql.size == 0 and (recycled < 0).all():
            break
        sales_path(
            rng,
            people,
            mql,
            triggers.time[mql],
            triggers.lead_score[mql] < 70,
            phase,
            end,
            statuses,
            sales,
            conversions,
            episodes,
            recycled,
        )
        if phase == 0:
            _reengage(rng, people, group, recycled, stop, marketing)
        window_start = np.where(recycled >= 0, recycled, NO_TIME)
        window_end = np.full(n, NO_TIME, dtype=np.int64)
    else:
        raise RuntimeError("the funnel did not settle: leads keep becoming MQLs")
    activities = marketing.concat()
    for key, values in sales.concat().items():
        activities[key] = np.concatenate([activities[key], values])
    return Funnel(activities, statuses.concat(), conversions.concat(), episodes.concat())


def _due(lead: np.ndarray, at: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = at[lead] <= stop[lead]
    return lead[keep], at[lead[keep]]


def _poor_fit_intent(
    rng: np.random.Generator, people: People, group: np.ndarray, stop: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Students and competitors look at pricing and ask for demos too; fit keeps them out."""
    who = np.flatnonzero(group == POOR_FIT_INTENT)
    lead = np.repeat(who, 1 + (rng.random(who.size) < 0.4))
    t = odd(people.created[lead] + rng.exponential(40 * DAY, lead.size).astype(np.int64))
    options = (
        ("pricing_page_view", 0.6),
        ("demo_request", 0.2),
        ("trial_signup", 0.15),
        ("consultation_request", 0.05),
    )
    return lead, t, _choice(rng, options, lead.size).astype(np.int64)


def _skip_blocks(
    rng: np.random.Generator,
    people: People,
    group: np.ndarray,
    demo: np.ndarray,
    demo_at: np.ndarray,
    end: int,
) -> dict[str, np.ndarray]:
    """When sales takes a lead without an MQL (which blocks any MQL from then on)."""
    n = people.n
    outbound = np.flatnonzero(group == OUTBOUND_SKIP)
    student = SENIORITY_OF_TITLE[people.title] == SENIORITIES.index("student")
    junk_ok = (group == NURTURE) | (group == POOR_FIT_INTENT)
    junk = np.flatnonzero(
        junk_ok & (student | (people.email_type == COMPETITOR)) & (rng.random(n) < 0.4)
    )
    working = even(people.created[outbound] + uniform(rng, 2 * DAY, 25 * DAY, outbound.size))
    qualified = even(demo_at + uniform(rng, 2 * HOUR, 3 * DAY, demo.size))
    disqualified = even(people.created[junk] + uniform(rng, DAY, 45 * DAY, junk.size))
    until = np.full(n, NO_TIME, dtype=np.int64)
    until[outbound] = working
    until[demo] = qualified
    until[junk] = disqualified
    return {"until": until, "outbound": outbound, "demo": demo, "junk": junk}


def _reengage(
    rng: np.random.Generator,
    people: People,
    group: np.ndarray,
    recycled: np.ndarray,
    stop: np.ndarray,
    marketing: Events,
) -> None:
    """Some recycled leads come back months later with a new burst (and may MQL again)."""
    back = (recycled >= 0) & ((group == HOT) | (group == BORDER))
    back &= rng.random(people.n) < P_REENGAGE
    start = odd(recycled + uniform(rng, 20 * DAY, 150 * DAY, people.n))
    hot = np.flatnonzero(back & (group == HOT))
    border = np.flatnonzero(back & (group == BORDER))
    for lead, t, act_type in (
        hot_burst(rng, hot, start[hot]),
        border_burst(rng, border, start[border], people.fit[border]),
    ):
        keep = t <= stop[lead]
        marketing.add(lead=lead[keep], t=t[keep], type=act_type[keep])
