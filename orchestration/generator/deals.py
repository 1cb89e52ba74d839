"""Opportunities with their stage history, and campaigns with their daily spend.

Campaign spend is set from the leads each campaign flight brought in and a cost per lead per
channel (paid channels cost far more per lead than SEO), so cost per lead and cost per MQL
differ by channel the way DOMAIN.md section 4 describes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.generator.config import (
    ACT,
    ACTIVITY_TYPES,
    CH,
    CHANNELS,
    DAY,
    OPPORTUNITY_STAGES,
    SITE,
    URL_PATHS,
)
from orchestration.generator.people import People

OPEN_STAGES = 4  # Discovery, Demo, Proposal, Negotiation; then Closed Won / Closed Lost
P_WON = 0.28
NON_LEAD_SHARE = 0.08
NON_LEAD_SOURCES = ("Sales Generated", "Expansion", "Partner Referral", "Customer Referral")

# channel: (campaigns, cost per lead in USD, lead_source spellings, themes)
CAMPAIGN_PLAN: dict[str, tuple[int, float, tuple[str, ...], tuple[str, ...]]] = {
    "organic_content": (
        6,
        30.0,
        ("SEO", "Blog", "Content Download"),
        ("Evergreen SEO", "Blog Program", "Guide Syndication"),
    ),
    "paid_search": (
        12,
        55.0,
        ("Google Ads", "Bing Ads", "Paid Search"),
        ("Brand", "Non-Brand", "Competitor Terms", "Retargeting"),
    ),
    "referral": (
        4,
        25.0,
        ("Customer Referral", "Partner Referral"),
        ("Customer Referral Program", "Partner Program"),
    ),
    "webinar": (
        12,
        70.0,
        ("Webinar", "ON24 Webinar", "Zoom Webinar"),
        ("Scoring Masterclass", "Pipeline Webinar", "ABM Roundtable"),
    ),
    "event": (
        8,
        140.0,
        ("Trade Show", "Conference", "Field Event"),
        ("SaaStr Booth", "MarTech Conference", "Field Dinner", "RevOps Summit"),
    ),
    "outbound": (
        6,
        35.0,
        ("Outbound", "Purchased List", "SDR Prospecting"),
        ("Outbound Sequence", "Intent List", "ABM Outreach"),
    ),
    "ai_referral": (2, 12.0, ("ChatGPT", "Perplexity"), ("AI Answer Visibility",)),
}
# Probability that an activity of a type is attributed to a campaign.
CAMPAIGN_ATTACH = {
    "email_open": 0.85,
    "email_click": 0.85,
    "email_reply": 0.7,
    "unsubscribe": 0.6,
    "email_bounce": 0.6,
    "webinar_registered": 0.95,
    "webinar_attended": 0.95,
    "event_attended": 0.9,
    "content_download": 0.6,
    "case_study_download": 0.5,
    "page_view": 0.25,
    "form_submit": 0.5,
    "pricing_page_view": 0.3,
    "demo_request": 0.4,
    "trial_signup": 0.4,
    "consultation_request": 0.4,
}


@dataclass
class Opportunities:
    lead: np.ndarray  # -1 = not sourced from a lead
    account: np.ndarray  # -1 = none
    created: np.ndarray
    source_text: list[str]  # lead_source per opportunity, as a vocabulary index below
    source: np.ndarray
    amount: np.ndarray
    stage: np.ndarray  # current stage (index into OPPORTUNITY_STAGES)
    closed_at: np.ndarray  # -1 = open
    is_won: np.ndarray
    updated: np.ndarray
    history_opp: np.ndarray
    history_stage: np.ndarray
    history_t: np.ndarray

    @property
    def n(self) -> int:
        return len(self.created)


@dataclass
class Campaigns:
    name: list[str]
    source: list[str]
    channel: np.ndarray
    started: np.ndarray  # seconds at midnight
    ended: np.ndarray  # seconds at midnight of the last day; -1 = still running
    flight_end: np.ndarray  # last second attributable to the campaign
    spend_campaign: np.ndarray
    spend_day: np.ndarray  # seconds at midnight
    spend_amount: np.ndarray


def make_opportunities(
    rng: np.random.Generator,
    people: People,
    conversions: dict[str, np.ndarray],
    account_employees: np.ndarray,
    lead_sources: list[str],
    start: int,
    end: int,
) -> Opportunities:
    """One opportunity per conversion, plus some the sales team opened without a lead."""
    n_lead = conversions["lead"].size
    n_other = int(round(NON_LEAD_SHARE * n_lead))
    lead = np.concatenate([conversions["lead"], np.full(n_other, -1)])
    created = np.concatenate([conversions["t"], rng.integers(start, end, n_other)])
    other_account = rng.integers(0, len(account_employees), n_other)
    account = np.concatenate([people.account[conversions["lead"]], other_account])
    source = np.concatenate(
        [
            people.source[conversions["lead"]],
            len(lead_sources) + rng.integers(0, len(NON_LEAD_SOURCES), n_other),
        ]
    )
    employees = np.concatenate(
        [people.employee_count[conversions["lead"]], account_employees[other_account]]
    )
    order = np.argsort(created, kind="stable")
    lead, account, created, source, employees = (
        a[order] for a in (lead, account, created, source, employees)
    )
    m = created.size
    amount = np.round(
        rng.lognormal(np.log(18_000 * (np.maximum(employees, 1) / 200) ** 0.3), 0.6, m), -2
    )
    amount = np.maximum(amount, 500.0)
    won = rng.random(m) < P_WON
    lost_after = rng.choice(OPEN_STAGES, size=m, p=[0.35, 0.3, 0.2, 0.15])
    reached = np.where(won, OPEN_STAGES, lost_after + 1)  # open stages entered
    steps = np.clip(rng.lognormal(np.log(15 * DAY), 0.7, (m, OPEN_STAGES)), DAY, 120 * DAY)
    at = created[:, None] + np.concatenate(
        [np.zeros((m, 1), dtype=np.int64), np.cumsum(steps.astype(np.int64), axis=1)], axis=1
    )  # at[:, j] = entering open stage j (j < 4) or closing (j = reached)
    close_at = at[np.arange(m), reached]
    final_stage = np.where(
        won, OPPORTUNITY_STAGES.index("Closed Won"), OPPORTUNITY_STAGES.index("Closed Lost")
    )

    entered = (np.arange(OPEN_STAGES + 1)[None, :] <= reached[:, None]) & (at <= end)
    stage_of = np.where(
        np.arange(OPEN_STAGES + 1)[None, :] == reached[:, None],
        final_stage[:, None],
        np.arange(OPEN_STAGES + 1)[None, :],
    )
    opp_idx, step = np.nonzero(entered)
    last_step = entered.sum(axis=1) - 1
    closed = close_at <= end
    return Opportunities(
        lead=lead,
        account=account,
        created=created,
        source_text=list(lead_sources) + list(NON_LEAD_SOURCES),
        source=source,
        amount=amount,
        stage=stage_of[np.arange(m), last_step],
        closed_at=np.where(closed, close_at, -1),
        is_won=won & closed,
        updated=at[np.arange(m), last_step],
        history_opp=opp_idx,
        history_stage=stage_of[opp_idx, step],
        history_t=at[opp_idx, step],
    )


def make_campaigns(rng: np.random.Generator, people: People, start: int, end: int) -> Campaigns:
    """About fifty campaigns: per channel, consecutive flights covering the whole period."""
    rows = []
    for name, (count, cost_per_lead, sources, themes) in CAMPAIGN_PLAN.items():
        code = CH[name]
        span_start, span_end = start - 60 * DAY, end + 90 * DAY
        # Every flight starts before the end of the period; the last one runs past it.
        cuts = np.sort(rng.integers(span_start, end - 30 * DAY, count - 1)) // DAY * DAY
        bounds = np.concatenate([[span_start // DAY * DAY], cuts, [span_end // DAY * DAY]])
        gaps = rng.integers(0, 10, count) * DAY
        for i in range(count):
            first = int(bounds[i] + gaps[i])
            last = int(max(bounds[i + 1] - DAY, first))
            rows.append(
                (
                    first,
                    last,
                    code,
                    cost_per_lead,
                    sources[i % len(sources)],
                    themes[i % len(themes)],
                )
            )
    rows.sort(key=lambda r: (r[0], r[2]))
    started = np.array([r[0] for r in rows], dtype=np.int64)
    last_day = np.array([r[1] for r in rows], dtype=np.int64)
    channel = np.array([r[2] for r in rows], dtype=np.int64)
    names = [
        f"{_quarter(r[0])} {CHANNELS[r[2]][0].replace('_', ' ').title()} - {r[5]}" for r in rows
    ]
    # Spend follows the leads each flight brought in, at the channel's cost per lead.
    flight_end = last_day + DAY - 1
    spend_campaign, spend_day, spend_amount = [], [], []
    for i, r in enumerate(rows):
        days = np.arange(started[i], min(last_day[i], end // DAY * DAY) + 1, DAY)
        days = days[rng.random(days.size) >= 0.08]  # paused days have no spend row
        if days.size == 0:
            continue
        mine = (people.channel == channel[i]) & (people.created >= started[i])
        leads = int((mine & (people.created <= flight_end[i])).sum())
        budget = r[3] * max(leads, 5) / days.size
        amount = np.round(budget * rng.lognormal(0.0, 0.25, days.size), 2)
        spend_campaign.append(np.full(days.size, i))
        spend_day.append(days)
        spend_amount.append(amount)
    return Campaigns(
        name=names,
        source=[r[4] for r in rows],
        channel=channel,
        started=started,
        ended=np.where(flight_end <= end, last_day, -1),
        flight_end=flight_end,
        spend_campaign=np.concatenate(spend_campaign),
        spend_day=np.concatenate(spend_day),
        spend_amount=np.concatenate(spend_amount),
    )


def _quarter(t: int) -> str:
    day = np.datetime64(t, "s").astype("datetime64[D]")
    year = day.astype("datetime64[Y]").astype(int) + 1970
    month = day.astype("datetime64[M]").astype(int) % 12
    return f"{year}-Q{month // 3 + 1}"


def attribute_campaigns(
    rng: np.random.Generator,
    campaigns: Campaigns,
    lead_channel: np.ndarray,
    t: np.ndarray,
    act_type: np.ndarray,
) -> np.ndarray:
    """Campaign index per activity (-1 = none): the running flight of the channel that drove it
    (webinars and events have their own campaigns; otherwise the lead's channel)."""
    attach = np.zeros(len(ACTIVITY_TYPES))
    for name, p in CAMPAIGN_ATTACH.items():
        attach[ACT[name]] = p
    channel = lead_channel.astype(np.int64)
    channel = np.where(
        (act_type == ACT["webinar_registered"]) | (act_type == ACT["webinar_attended"]),
        CH["webinar"],
        channel,
    )
    channel = np.where(act_type == ACT["event_attended"], CH["event"], channel)
    order = np.lexsort((campaigns.started, campaigns.channel))
    shift = np.int64(1) << 40
    keys = campaigns.channel[order] * shift + campaigns.started[order]
    pos = np.searchsorted(keys, channel * shift + t, side="right") - 1
    safe = np.maximum(pos, 0)
    campaign = order[safe]
    valid = (
        (pos >= 0)
        & (campaigns.channel[campaign] == channel)
        & (t <= campaigns.flight_end[campaign])
        & (rng.random(t.size) < attach[act_type])
    )
    return np.where(valid, campaign, -1)


def url_vocabulary() -> tuple[list[str], np.ndarray, np.ndarray]:
    """All URLs, and per activity type the first index and count of its URLs."""
    urls: list[str] = []
    first = np.zeros(len(ACTIVITY_TYPES), dtype=np.int64)
    count = np.zeros(len(ACTIVITY_TYPES), dtype=np.int64)
    for name, paths in URL_PATHS.items():
        first[ACT[name]] = len(urls)
        count[ACT[name]] = len(paths)
        urls.extend(SITE + p for p in paths)
    return urls, first, count


def pick_urls(rng: np.random.Generator, act_type: np.ndarray) -> np.ndarray:
    """URL index per activity (-1 for types without a page, e.g. e-mail opens, sales calls)."""
    _urls, first, count = url_vocabulary()
    n_urls = count[act_type]
    index = first[act_type] + (rng.random(act_type.size) * n_urls).astype(np.int64)
    return np.where(n_urls > 0, index, -1)
