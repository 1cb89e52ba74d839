"""The MQL rule of DOMAIN.md section 3, vectorised, so the generator knows who became an MQL.

The sales path the generator writes (first touch, acceptance, qualification) must follow the
MQLs that the warehouse will find in the same data; guessing them from the design of a lead's
activity would put sales statuses where no MQL is and miss MQLs nobody planned. So the generator
scores its own activity stream with the default configuration and drives the sales path from
the real triggers.

Decayed sums are running sums of ``points * 2 ** (t / half_life)`` scaled back by
``2 ** (-t / half_life)``. A running sum must restart per lead, and a global cumulative sum over
millions of leads would swamp the small sums of late leads with rounding error. Leads are
therefore grouped by their number of activities: the activities of all leads with k activities
form an exact (leads x k) matrix whose rows are summed independently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.generator.config import (
    ACT_CATEGORY,
    ACT_HIGH_INTENT,
    ACT_POINTS,
    CATEGORIES,
    DAY,
    ENGAGEMENT_WEIGHT,
    FIT_WEIGHT,
    HALF_LIFE_DAYS,
    MQL_DEFINITIONS,
    parse_ts,
)

NO_TIME = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Triggers:
    """Per lead: the first MQL trigger in its window (time -1 when none) and its scores."""

    time: np.ndarray
    lead_score: np.ndarray
    definition: np.ndarray  # index into MQL_DEFINITIONS, -1 when none


def _definition_arrays() -> tuple[np.ndarray, ...]:
    starts = np.array([parse_ts(d[1]) for d in MQL_DEFINITIONS], dtype=np.int64)
    ends = np.array([parse_ts(d[2]) if d[2] else NO_TIME for d in MQL_DEFINITIONS], dtype=np.int64)
    thresholds = np.array([d[3] for d in MQL_DEFINITIONS], dtype=np.float64)
    min_fit = np.array([d[4] for d in MQL_DEFINITIONS], dtype=np.float64)
    window = np.array([d[5] * DAY for d in MQL_DEFINITIONS], dtype=np.int64)
    order = np.argsort(starts)
    return starts[order], ends[order], thresholds[order], min_fit[order], window[order], order


def first_triggers(
    owner: np.ndarray,
    t: np.ndarray,
    act_type: np.ndarray,
    fit: np.ndarray,
    window_start: np.ndarray,
    window_end: np.ndarray,
) -> Triggers:
    """First MQL-eligible activity per lead within ``(window_start, window_end)``.

    ``owner`` is the (surviving) lead of each scored activity, ``fit`` the fit score per lead.
    Only activities after window_start count (a recycle resets engagement); window_end is when
    the lead leaves marketing's hands. Activities of one lead at the same second count for each
    other, as in the warehouse; an MQL at either is an MQL at that second.
    """
    n_leads = fit.shape[0]
    result_time = np.full(n_leads, -1, dtype=np.int64)
    result_score = np.zeros(n_leads, dtype=np.float64)
    result_def = np.full(n_leads, -1, dtype=np.int64)
    keep = (t > window_start[owner]) & (t < window_end[owner])
    owner, t, act_type = owner[keep], t[keep], act_type[keep]
    if owner.size == 0:
        return Triggers(result_time, result_score, result_def)

    counts = np.bincount(owner, minlength=n_leads)
    lead_order = np.argsort(counts, kind="stable")
    rank = np.empty(n_leads, dtype=np.int64)
    rank[lead_order] = np.arange(n_leads)
    t_min = int(t.min())
    span = int(t.max()) - t_min
    if span >= 2**31:
        raise ValueError("the generator's time range must be shorter than 68 years")
    order = np.argsort((rank[owner] << 31) | (t - t_min))
    owner, t, act_type = owner[order], t[order], act_type[order]

    def_start, def_end, thresholds, min_fit, window, def_ids = _definition_arrays()
    scored_categories = [
        (c, lo, hi) for c, (_name, lo, hi) in enumerate(CATEGORIES) if not lo == hi == 0
    ]
    half_life_s = HALF_LIFE_DAYS * DAY
    sorted_counts = counts[lead_order]
    boundaries = np.flatnonzero(np.diff(sorted_counts)) + 1
    group_starts = np.concatenate(([0], boundaries))
    group_ends = np.concatenate((boundaries, [n_leads]))
    offset = 0
    for g, group_end in zip(group_starts, group_ends, strict=True):
        k = int(sorted_counts[g])
        n_group = int(group_end - g)
        if k == 0:
            continue
        rows = slice(offset, offset + n_group * k)
        offset += n_group * k
        tt = t[rows].reshape(n_group, k)
        ty = act_type[rows].reshape(n_group, k)
        leads = owner[rows].reshape(n_group, k)[:, 0]
        exponent = (tt - tt[:, :1]) / half_life_s
        grow = np.exp2(exponent)
        shrink = np.exp2(-exponent)
        cat = ACT_CATEGORY[ty]
        pts = ACT_POINTS[ty] * grow
        engagement = np.zeros(tt.shape)
        for c, lo, hi in scored_categories:
            running = np.cumsum(np.where(cat == c, pts, 0.0), axis=1) * shrink
            engagement += np.clip(running, lo, hi)
        np.clip(engagement, 0.0, 100.0, out=engagement)
        lead_fit = fit[leads][:, None]
        score = np.clip(FIT_WEIGHT * lead_fit + ENGAGEMENT_WEIGHT * engagement, 0.0, 100.0)

        last_high = np.maximum.accumulate(
            np.where(ACT_HIGH_INTENT[ty], tt, np.iinfo(np.int64).min // 2), axis=1
        )
        score, last_high = _same_second_fill(tt, score, last_high)
        d = np.searchsorted(def_start, tt, side="right") - 1
        in_force = (d >= 0) & (tt < def_end[np.maximum(d, 0)])
        d = np.maximum(d, 0)
        eligible = (
            in_force
            & (score >= thresholds[d])
            & (lead_fit >= min_fit[d])
            & (tt - last_high <= window[d])
        )
        hit = eligible.any(axis=1)
        first = eligible.argmax(axis=1)
        hit_leads = leads[hit]
        pick = (np.flatnonzero(hit), first[hit])
        result_time[hit_leads] = tt[pick]
        result_score[hit_leads] = score[pick]
        result_def[hit_leads] = def_ids[d[pick]]
    return Triggers(result_time, result_score, result_def)


def _same_second_fill(
    tt: np.ndarray, score: np.ndarray, last_high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Give each activity the score and last high-intent time of the last activity of its lead
    at the same second, so that ties count both ways."""
    run_end = np.ones(tt.shape, dtype=bool)
    run_end[:, :-1] = tt[:, 1:] != tt[:, :-1]
    if run_end.all():
        return score, last_high
    index = np.where(run_end, np.arange(tt.shape[1]), tt.shape[1])
    end_of_run = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1]
    return (
        np.take_along_axis(score, end_of_run, axis=1),
        np.take_along_axis(last_high, end_of_run, axis=1),
    )
