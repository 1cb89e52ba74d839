"""Reference (oracle) implementation of lead scoring and MQL semantics (DOMAIN.md section 3).

Deliberately simple: plain loops, O(n^2) per lead, no vectorisation and no SQL.  It exists
only to check the dbt models on a few hundred random leads, so readability beats speed.
Every number comes from the configuration seeds in ``seeds/scoring/*.csv``.

Semantics in short (see the module-level functions for the details):

* fit score: sum of the points of the matching fit rules, clamped to [0, 100];
* scored activities: types in ``scoring_activity_types`` that are not sales touches;
* epoch of an activity: number of 'recycled' status changes at or before it; only activities
  of the same lead and epoch count towards each other;
* category total at event n: sum of ``points_i * 0.5 ** (days(t_n - t_i) / half_life)`` over
  the same lead and epoch with ``t_i <= t_n`` (ties count both ways), clamped to the category
  range; engagement = sum of the category totals clamped to [0, 100];
* lead score = clamp(fit_weight * fit + engagement_weight * engagement, 0, 100);
* MQL: first eligible event per (lead, epoch), ordered by (occurred_at, activity_id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

SECONDS_PER_DAY = 86400.0

# Statuses that put the lead "in sales' hands" (further down the funnel than MQL).
SALES_HELD_STATUSES = frozenset({"working", "accepted", "qualified", "converted"})
TERMINAL_STATUS = "disqualified"
RECYCLED_STATUS = "recycled"
# DOMAIN.md 5: of two statuses at one instant the one further along the lifecycle is the latest.
LIFECYCLE_ORDER = (
    "open",
    "working",
    "accepted",
    "qualified",
    "converted",
    "recycled",
    "disqualified",
)

LEDGER_FIXED_COLUMNS = [
    "lead_id",
    "activity_id",
    "activity_type",
    "category",
    "points",
    "is_high_intent",
    "occurred_at",
    "epoch",
]

MQL_COLUMNS = [
    "lead_id",
    "mql_number",
    "mql_at",
    "trigger_activity_id",
    "trigger_activity_type",
    "definition_version",
    "fit_score",
    "engagement_score",
    "lead_score",
    "epoch",
]


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitRule:
    rule_id: str
    attribute: str
    operator: str  # 'in' | 'not_in' | 'between'
    match_values: tuple[str, ...]
    range_min: float | None
    range_max: float | None
    points: float


@dataclass(frozen=True)
class ActivityType:
    activity_type: str
    category: str
    points: float
    is_high_intent: bool
    is_sales_touch: bool


@dataclass(frozen=True)
class Category:
    category: str
    min_total: float
    max_total: float


@dataclass(frozen=True)
class GradeBand:
    dimension: str
    grade: str
    min_score: float


@dataclass(frozen=True)
class MqlDefinition:
    definition_version: str
    effective_from: pd.Timestamp
    effective_to: pd.Timestamp | None  # None = open-ended
    score_threshold: float
    min_fit_score: float
    high_intent_window_days: float


@dataclass(frozen=True)
class ScoringConfig:
    fit_rules: list[FitRule]
    activity_types: dict[str, ActivityType]
    categories: dict[str, Category]  # in seed order
    grade_bands: list[GradeBand]
    definitions: list[MqlDefinition]
    half_life_days: float
    fit_weight: float
    engagement_weight: float

    @property
    def category_names(self) -> list[str]:
        return list(self.categories)


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and the like are not null
        return False


def _parse_bool(text: Any) -> bool:
    cleaned = str(text).strip().lower()
    if cleaned in ("true", "t", "1", "yes"):
        return True
    if cleaned in ("false", "f", "0", "no"):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def _optional_float(text: Any) -> float | None:
    if _is_null(text) or str(text).strip() == "":
        return None
    return float(text)


def _optional_timestamp(text: Any) -> pd.Timestamp | None:
    if _is_null(text) or str(text).strip() == "":
        return None
    return pd.Timestamp(text)


def _read_seed(seeds_dir: Path, name: str) -> pd.DataFrame:
    # Everything as text; converted explicitly below so pandas guesses nothing.
    return pd.read_csv(seeds_dir / f"{name}.csv", dtype=str, keep_default_na=False)


def load_config(seeds_dir: Path) -> ScoringConfig:
    """Read the scoring configuration from the seven ``seeds/scoring`` CSV files."""
    seeds_dir = Path(seeds_dir)

    fit_rules = []
    for row in _read_seed(seeds_dir, "fit_rules").to_dict("records"):
        values = tuple(v for v in row["match_values"].split("|") if v != "")
        fit_rules.append(
            FitRule(
                rule_id=row["rule_id"],
                attribute=row["attribute"],
                operator=row["operator"].strip().lower(),
                match_values=values,
                range_min=_optional_float(row["range_min"]),
                range_max=_optional_float(row["range_max"]),
                points=float(row["points"]),
            )
        )
    for rule in fit_rules:
        if rule.operator not in ("in", "not_in", "between"):
            raise ValueError(f"unknown fit operator {rule.operator!r} in {rule.rule_id}")

    categories = {}
    for row in _read_seed(seeds_dir, "scoring_categories").to_dict("records"):
        categories[row["category"]] = Category(
            category=row["category"],
            min_total=float(row["min_total"]),
            max_total=float(row["max_total"]),
        )

    activity_types = {}
    for row in _read_seed(seeds_dir, "scoring_activity_types").to_dict("records"):
        activity_types[row["activity_type"]] = ActivityType(
            activity_type=row["activity_type"],
            category=row["category"],
            points=float(row["points"]),
            is_high_intent=_parse_bool(row["is_high_intent"]),
            is_sales_touch=_parse_bool(row["is_sales_touch"]),
        )
    for activity_type in activity_types.values():
        if activity_type.category not in categories:
            raise ValueError(f"category {activity_type.category!r} has no cap row")

    grade_bands = [
        GradeBand(
            dimension=row["dimension"].strip().lower(),
            grade=str(row["grade"]),
            min_score=float(row["min_score"]),
        )
        for row in _read_seed(seeds_dir, "grade_bands").to_dict("records")
    ]

    definitions = []
    for row in _read_seed(seeds_dir, "mql_definitions").to_dict("records"):
        definitions.append(
            MqlDefinition(
                definition_version=row["definition_version"],
                effective_from=pd.Timestamp(row["effective_from"]),
                effective_to=_optional_timestamp(row["effective_to"]),
                score_threshold=float(row["score_threshold"]),
                min_fit_score=float(row["min_fit_score"]),
                high_intent_window_days=float(row["high_intent_window_days"]),
            )
        )

    parameters = {}
    for row in _read_seed(seeds_dir, "scoring_parameters").to_dict("records"):
        parameters[row["parameter"]] = row["value"]

    return ScoringConfig(
        fit_rules=fit_rules,
        activity_types=activity_types,
        categories=categories,
        grade_bands=grade_bands,
        definitions=definitions,
        half_life_days=float(parameters["half_life_days"]),
        fit_weight=float(parameters["fit_weight"]),
        engagement_weight=float(parameters["engagement_weight"]),
    )


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def clamp(value: float, low: float, high: float) -> float:
    if value < low:
        return float(low)
    if value > high:
        return float(high)
    return float(value)


def _as_text(value: Any) -> str:
    # 200.0 (a float read from a nullable column) should match '200', like the integer would.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def days_between(earlier: pd.Timestamp, later: pd.Timestamp) -> float:
    """Exact (fractional) days from ``earlier`` to ``later``."""
    return (later - earlier).total_seconds() / SECONDS_PER_DAY


def decay_factor(age_days: float, config: ScoringConfig) -> float:
    return 0.5 ** (age_days / config.half_life_days)


def grade_for(score: float, dimension: str, config: ScoringConfig) -> str | None:
    """Grade of the band of ``dimension`` with the highest min_score <= score."""
    best = None
    for band in config.grade_bands:
        if band.dimension != dimension or band.min_score > score:
            continue
        if best is None or band.min_score > best.min_score:
            best = band
    return None if best is None else best.grade


def definition_at(t: pd.Timestamp, config: ScoringConfig) -> MqlDefinition | None:
    """The MQL definition with effective_from <= t < effective_to (None: none in force)."""
    for definition in config.definitions:
        if definition.effective_from > t:
            continue
        if definition.effective_to is not None and t >= definition.effective_to:
            continue
        return definition
    return None


def _status_rows(status_history: pd.DataFrame, lead_id: Any) -> list[tuple[pd.Timestamp, str]]:
    rows = []
    for row in status_history.to_dict("records"):
        if row["lead_id"] != lead_id or _is_null(row["status_changed_at"]):
            continue
        rows.append((pd.Timestamp(row["status_changed_at"]), str(row["status"]).strip().lower()))
    return rows


def epoch_at(t: pd.Timestamp, statuses: list[tuple[pd.Timestamp, str]]) -> int:
    """Number of 'recycled' status changes at or before t."""
    count = 0
    for changed_at, status in statuses:
        if status == RECYCLED_STATUS and changed_at <= t:
            count += 1
    return count


def is_blocked(t: pd.Timestamp, statuses: list[tuple[pd.Timestamp, str]]) -> bool:
    """Disqualified at or before t (terminal), or the latest status at t is held by sales; of
    statuses at the same latest instant, the one further along the lifecycle is the latest."""
    latest: tuple[pd.Timestamp, int] | None = None
    latest_status = None
    for changed_at, status in statuses:
        if changed_at > t:
            continue
        if status == TERMINAL_STATUS:
            return True
        rank = LIFECYCLE_ORDER.index(status) if status in LIFECYCLE_ORDER else -1
        if latest is None or (changed_at, rank) > latest:
            latest, latest_status = (changed_at, rank), status
    return latest_status in SALES_HELD_STATUSES


# --------------------------------------------------------------------------------------------
# Fit
# --------------------------------------------------------------------------------------------


def rule_matches(rule: FitRule, value: Any) -> bool:
    if _is_null(value):
        return False  # a null attribute matches no rule (not even not_in)
    if rule.operator == "in":
        return _as_text(value) in rule.match_values
    if rule.operator == "not_in":
        return _as_text(value) not in rule.match_values
    # between, inclusive on both ends; a missing bound is unbounded
    number = _as_number(value)
    if number is None:
        return False
    if rule.range_min is not None and number < rule.range_min:
        return False
    return not (rule.range_max is not None and number > rule.range_max)


def fit_score(lead: Mapping, config: ScoringConfig) -> float:
    total = 0.0
    for rule in config.fit_rules:
        if rule_matches(rule, lead.get(rule.attribute)):
            total += rule.points
    return clamp(total, 0.0, 100.0)


# --------------------------------------------------------------------------------------------
# Engagement
# --------------------------------------------------------------------------------------------


def _scored_activities(activities: pd.DataFrame, config: ScoringConfig) -> list[dict]:
    """Scored activities (known type, not a sales touch, with a timestamp) as dicts."""
    scored = []
    for row in activities.to_dict("records"):
        activity_type = config.activity_types.get(row["activity_type"])
        if activity_type is None or activity_type.is_sales_touch:
            continue
        if _is_null(row["occurred_at"]):
            continue
        scored.append(
            {
                "lead_id": row["lead_id"],
                "activity_id": row["activity_id"],
                "activity_type": row["activity_type"],
                "category": activity_type.category,
                "points": activity_type.points,
                "is_high_intent": activity_type.is_high_intent,
                "occurred_at": pd.Timestamp(row["occurred_at"]),
            }
        )
    return scored


def category_totals_at(t: pd.Timestamp, events: list[dict], config: ScoringConfig) -> dict:
    """Clamped category totals at time t over ``events`` (same lead and epoch, t_i <= t).

    A category with no contributing activity is 0 (it is not clamped: a category range not
    containing 0 would otherwise give points for doing nothing).
    """
    raw: dict[str, float] = {}
    for event in events:
        if event["occurred_at"] > t:
            continue
        weight = decay_factor(days_between(event["occurred_at"], t), config)
        raw[event["category"]] = raw.get(event["category"], 0.0) + event["points"] * weight
    totals = {}
    for name, category in config.categories.items():
        if name in raw:
            totals[name] = clamp(raw[name], category.min_total, category.max_total)
        else:
            totals[name] = 0.0
    return totals


def engagement_from_totals(totals: Mapping[str, float]) -> float:
    return clamp(sum(totals.values()), 0.0, 100.0)


def lead_score_of(fit: float, engagement: float, config: ScoringConfig) -> float:
    blended = config.fit_weight * fit + config.engagement_weight * engagement
    return clamp(blended, 0.0, 100.0)


def _sort_key(event: Mapping) -> tuple:
    return (event["occurred_at"], event["activity_id"])


def score_events(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    status_history: pd.DataFrame,
    config: ScoringConfig,
) -> pd.DataFrame:
    """The scoring ledger: one row per scored activity of a lead present in ``leads``.

    Columns: lead_id, activity_id, activity_type, category, points, is_high_intent,
    occurred_at, epoch, ``<category>_total`` per category (seed order), engagement_score,
    fit_score, lead_score, fit_grade, engagement_grade, grade, definition_version,
    is_mql_trigger.  Sorted by lead_id, occurred_at, activity_id.
    """
    fit_by_lead = {}
    for lead in leads.to_dict("records"):
        fit_by_lead[lead["lead_id"]] = fit_score(lead, config)

    scored = _scored_activities(activities, config)
    statuses_by_lead = {}
    rows = []
    for lead_id in sorted(fit_by_lead):
        lead_events = [e for e in scored if e["lead_id"] == lead_id]
        if not lead_events:
            continue
        statuses = _status_rows(status_history, lead_id)
        statuses_by_lead[lead_id] = statuses
        for event in lead_events:
            event["epoch"] = epoch_at(event["occurred_at"], statuses)
        lead_events.sort(key=_sort_key)

        fit = fit_by_lead[lead_id]
        fit_grade = grade_for(fit, "fit", config)
        for event in lead_events:
            same_epoch = [e for e in lead_events if e["epoch"] == event["epoch"]]
            totals = category_totals_at(event["occurred_at"], same_epoch, config)
            engagement = engagement_from_totals(totals)
            lead_score = lead_score_of(fit, engagement, config)
            engagement_grade = grade_for(engagement, "engagement", config)
            definition = definition_at(event["occurred_at"], config)
            row = {column: event[column] for column in LEDGER_FIXED_COLUMNS}
            for name in config.category_names:
                row[f"{name}_total"] = totals[name]
            row["engagement_score"] = engagement
            row["fit_score"] = fit
            row["lead_score"] = lead_score
            row["fit_grade"] = fit_grade
            row["engagement_grade"] = engagement_grade
            row["grade"] = (
                None
                if fit_grade is None or engagement_grade is None
                else f"{fit_grade}{engagement_grade}"
            )
            row["definition_version"] = (
                None if definition is None else definition.definition_version
            )
            rows.append(row)

    columns = (
        LEDGER_FIXED_COLUMNS
        + [f"{name}_total" for name in config.category_names]
        + [
            "engagement_score",
            "fit_score",
            "lead_score",
            "fit_grade",
            "engagement_grade",
            "grade",
            "definition_version",
        ]
    )
    ledger = pd.DataFrame(rows, columns=columns)

    episodes = mql_episodes(ledger, status_history, config)
    trigger_keys = set()
    for episode in episodes.to_dict("records"):
        trigger_keys.add((episode["lead_id"], episode["trigger_activity_id"]))
    ledger["is_mql_trigger"] = [
        (lead_id, activity_id) in trigger_keys
        for lead_id, activity_id in zip(ledger["lead_id"], ledger["activity_id"], strict=True)
    ]
    return ledger


# --------------------------------------------------------------------------------------------
# MQL
# --------------------------------------------------------------------------------------------


def is_eligible(
    event: Mapping,
    same_epoch_events: list[Mapping],
    statuses: list[tuple[pd.Timestamp, str]],
    config: ScoringConfig,
) -> MqlDefinition | None:
    """The definition under which the ledger row ``event`` is eligible, or None."""
    t = event["occurred_at"]
    if is_blocked(t, statuses):
        return None
    definition = definition_at(t, config)
    if definition is None:
        return None
    if event["lead_score"] < definition.score_threshold:
        return None
    if event["fit_score"] < definition.min_fit_score:
        return None
    for other in same_epoch_events:
        if not config.activity_types[other["activity_type"]].is_high_intent:
            continue
        age = days_between(other["occurred_at"], t)
        if 0 <= age <= definition.high_intent_window_days:
            return definition
    return None


def mql_episodes(
    ledger: pd.DataFrame,
    status_history: pd.DataFrame,
    config: ScoringConfig,
) -> pd.DataFrame:
    """MQL episodes from a ledger (uses its lead_id, activity_id, activity_type, occurred_at,
    epoch, fit_score, engagement_score and lead_score columns).

    At most one MQL per (lead, epoch): the first eligible ledger row by (occurred_at,
    activity_id).  Episodes are numbered per lead in time order.
    """
    events = ledger.to_dict("records")
    for event in events:
        event["occurred_at"] = pd.Timestamp(event["occurred_at"])
    lead_ids = sorted({event["lead_id"] for event in events})

    rows = []
    for lead_id in lead_ids:
        statuses = _status_rows(status_history, lead_id)
        lead_events = sorted([e for e in events if e["lead_id"] == lead_id], key=_sort_key)
        epochs = sorted({e["epoch"] for e in lead_events})
        mql_number = 0
        for epoch in epochs:
            same_epoch = [e for e in lead_events if e["epoch"] == epoch]
            for event in same_epoch:  # already in (occurred_at, activity_id) order
                definition = is_eligible(event, same_epoch, statuses, config)
                if definition is None:
                    continue
                mql_number += 1
                rows.append(
                    {
                        "lead_id": lead_id,
                        "mql_number": mql_number,
                        "mql_at": event["occurred_at"],
                        "trigger_activity_id": event["activity_id"],
                        "trigger_activity_type": event["activity_type"],
                        "definition_version": definition.definition_version,
                        "fit_score": event["fit_score"],
                        "engagement_score": event["engagement_score"],
                        "lead_score": event["lead_score"],
                        "epoch": epoch,
                    }
                )
                break  # one MQL per (lead, epoch)
    return pd.DataFrame(rows, columns=MQL_COLUMNS)


# --------------------------------------------------------------------------------------------
# Current engagement
# --------------------------------------------------------------------------------------------


def category_totals_as_of(
    activities: pd.DataFrame,
    status_history: pd.DataFrame,
    config: ScoringConfig,
    as_of: pd.Timestamp,
) -> dict[Any, dict[str, float]]:
    """Per lead_id (every lead with any activity row): clamped category totals at ``as_of``
    over the scored activities with t_i <= as_of in the lead's epoch at ``as_of``."""
    as_of = pd.Timestamp(as_of)
    scored = _scored_activities(activities, config)
    result = {}
    for lead_id in sorted(set(activities["lead_id"])):
        statuses = _status_rows(status_history, lead_id)
        current_epoch = epoch_at(as_of, statuses)
        events = []
        for event in scored:
            if event["lead_id"] != lead_id or event["occurred_at"] > as_of:
                continue
            if epoch_at(event["occurred_at"], statuses) == current_epoch:
                events.append(event)
        result[lead_id] = category_totals_at(as_of, events, config)
    return result


def engagement_as_of(
    activities: pd.DataFrame,
    status_history: pd.DataFrame,
    config: ScoringConfig,
    as_of: pd.Timestamp,
) -> pd.Series:
    """Engagement score at ``as_of`` per lead_id (index), for every lead with any activity row
    (leads with none are absent: their engagement is 0)."""
    totals = category_totals_as_of(activities, status_history, config, as_of)
    values = {lead_id: engagement_from_totals(t) for lead_id, t in totals.items()}
    series = pd.Series(values, dtype="float64", name="engagement_score")
    series.index.name = "lead_id"
    return series
