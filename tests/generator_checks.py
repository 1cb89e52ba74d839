"""Independent re-computation of the demo data's funnel, for tests/generator/test_generator.py.

Nothing here imports the generator: the fit rules, activity points, caps and MQL definitions
are read from the seeds, the job-title rules are a port of macros/job_title.sql, and the
engagement is summed pair by pair (every earlier activity of the same lead and epoch, decayed)
instead of the generator's running sums. If the two agree, the sales statuses the generator
wrote really do follow the MQLs the warehouse will find.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.generator.vocabulary import channel_of_source, key

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SALES_HELD = ("Working", "Accepted", "Qualified", "Converted")

# macros/job_title.sql: (label, patterns); a pattern is a word-padded substring or a pair
# (substring, unless substring); first match wins.
SENIORITY_RULES = (
    ("c_level", (" ceo ", " cfo ", " cmo ", " cto ", " coo ", " cio ", " chief ", "founder",
                 (" owner ", " product owner "), (" president ", " vice president "))),
    ("vp", (" vp ", " svp ", " evp ", " vice president ")),
    ("director", (" director ", " head of ", " head ")),
    ("student", (" student ", " intern ", " internship ")),
    ("manager", (" manager ", " lead ", " mgr ")),
)  # fmt: skip
PERSONA_RULES = (
    ("revops", ("revops", " rev ops ", "revenue operations", "sales operations",
                "marketing operations", " sales ops ", " marketing ops ")),
    ("marketing", ("marketing", "demand gen", "growth", "brand", "content", " cmo ")),
    ("sales", ("sales", "account executive", " sdr ", " bdr ", "business development")),
    ("it", ("engineer", "developer", " it ", "technology", " cto ", " cio ")),
    ("finance", ("finance", "financial", " cfo ", "accounting", "controller")),
    ("executive", (" ceo ", "founder", (" president ", " vice president "),
                   (" owner ", " product owner "), "managing director", " chief executive ",
                   " coo ")),
)  # fmt: skip


def seed(name: str, folder: str = "scoring") -> pd.DataFrame:
    return pd.read_csv(SEEDS / folder / f"{name}.csv", dtype=str, keep_default_na=False)


def classify_title(title: str, rules: tuple, default: str) -> str:
    words = " " + re.sub("[^a-z0-9]+", " ", str(title).lower()) + " "
    for label, patterns in rules:
        for pattern in patterns:
            if isinstance(pattern, tuple):
                if pattern[0] in words and pattern[1] not in words:
                    return label
            elif pattern in words:
                return label
    return default


def channel_of(lead_source: pd.Series) -> pd.Series:
    """The channel of each lead source, matched as the warehouse matches it: by vocabulary key
    (seed channel_mapping; a spelling the seed lacks is 'other')."""
    lookup = channel_of_source()
    keys = lead_source.map(lambda value: key(value) if isinstance(value, str) else "")
    return keys.map(lookup).fillna("other")


def fit_scores(leads: pd.DataFrame) -> pd.Series:
    """Fit score per lead_id from seeds/scoring/fit_rules.csv."""
    domains = seed("email_domains", "reference")
    domain_type = dict(zip(domains["email_domain"], domains["domain_type"], strict=True))
    attributes = pd.DataFrame(
        {
            "seniority": leads["job_title"].map(
                lambda t: classify_title(t, SENIORITY_RULES, "individual")
            ),
            "persona": leads["job_title"].map(lambda t: classify_title(t, PERSONA_RULES, "other")),
            "industry": leads["industry"]
            .str.lower()
            .str.replace("[^a-z0-9]+", "_", regex=True)
            .str.strip("_"),
            "country": leads["country"].str.strip().str.upper(),
            "email_domain_type": leads["email"]
            .str.strip()
            .str.lower()
            .str.split("@")
            .str[1]
            .map(lambda d: domain_type.get(d, "business")),
            "employee_count": leads["employee_count"].astype(float),
        }
    )
    total = np.zeros(len(leads))
    for rule in seed("fit_rules").itertuples():
        if rule.operator == "between":
            low, high = float(rule.range_min), float(rule.range_max)
            match = attributes["employee_count"].between(low, high)
        else:
            match = attributes[rule.attribute].isin(rule.match_values.split("|"))
            if rule.operator == "not_in":
                match = ~match
        total += np.where(match, float(rule.points), 0.0)
    return pd.Series(np.clip(total, 0, 100), index=leads["lead_id"].to_numpy())


def survivors(leads: pd.DataFrame) -> dict[str, str]:
    parent = leads.set_index("lead_id")["merged_into_lead_id"]
    current = leads["lead_id"]
    for _ in range(6):
        following = current.map(parent)
        current = following.where(following.notna(), current)
    return dict(zip(leads["lead_id"], current, strict=True))


def mql_episodes(leads: pd.DataFrame, activities: pd.DataFrame, statuses: pd.DataFrame):
    """MQL episodes (lead_id, epoch, mql_at, lead_score, definition_version) per DOMAIN.md 3,
    on surviving leads, with statuses re-pointed like activities."""
    types = seed("scoring_activity_types")
    categories = seed("scoring_categories").set_index("category")
    parameters = dict(seed("scoring_parameters")[["parameter", "value"]].to_numpy())
    definitions = seed("mql_definitions")
    half_life = float(parameters["half_life_days"])

    to_survivor = survivors(leads)
    alive = leads[leads["merged_into_lead_id"].isna() & ~leads["is_deleted"]]
    fit = fit_scores(alive)
    acts = activities.assign(lead_id=activities["lead_id"].map(to_survivor))
    acts = acts.merge(types, on="activity_type")
    acts = acts[(acts["is_sales_touch"] == "false") & acts["lead_id"].isin(alive["lead_id"])]
    acts = acts.assign(points=acts["points"].astype(float), high=acts["is_high_intent"] == "true")

    status = statuses.assign(lead_id=statuses["lead_id"].map(to_survivor))
    status = status.sort_values(["lead_id", "changed_at"], kind="stable")
    grouped = status.groupby("lead_id")
    status["epoch"] = (
        status["status"].eq("Recycled").astype(int).groupby(status["lead_id"]).cumsum()
    )
    status["ever_dq"] = (
        status["status"].eq("Disqualified").astype(int).groupby(status["lead_id"]).cummax()
    )
    status["held"] = status["status"].isin(SALES_HELD)
    del grouped
    acts = pd.merge_asof(
        acts.sort_values("occurred_at"),
        status[["lead_id", "changed_at", "epoch", "ever_dq", "held"]].sort_values("changed_at"),
        left_on="occurred_at",
        right_on="changed_at",
        by="lead_id",
    )
    acts["epoch"] = acts["epoch"].fillna(0).astype(int)
    acts["blocked"] = (acts["ever_dq"].fillna(0) == 1) | acts["held"].fillna(False).astype(bool)
    acts["fit"] = acts["lead_id"].map(fit)

    high = acts.loc[acts["high"], ["lead_id", "epoch", "occurred_at"]]
    high = high.rename(columns={"occurred_at": "last_high_at"}).sort_values("last_high_at")
    acts = pd.merge_asof(
        acts.sort_values("occurred_at"),
        high,
        left_on="occurred_at",
        right_on="last_high_at",
        by=["lead_id", "epoch"],
    )
    in_force = []
    for d in definitions.itertuples():
        start = pd.Timestamp(d.effective_from)
        end = pd.Timestamp(d.effective_to) if d.effective_to else pd.Timestamp.max
        in_force.append((start, end, d))
    version = pd.Series(None, index=acts.index, dtype=object)
    threshold = pd.Series(np.nan, index=acts.index)
    min_fit = pd.Series(np.nan, index=acts.index)
    window = pd.Series(np.nan, index=acts.index)
    for start, end, d in in_force:
        now = (acts["occurred_at"] >= start) & (acts["occurred_at"] < end)
        version[now] = d.definition_version
        threshold[now] = float(d.score_threshold)
        min_fit[now] = float(d.min_fit_score)
        window[now] = float(d.high_intent_window_days)
    age_days = (acts["occurred_at"] - acts["last_high_at"]).dt.total_seconds() / 86400
    candidate = ~acts["blocked"] & version.notna() & (acts["fit"] >= min_fit) & (age_days <= window)
    cand = acts.loc[candidate, ["activity_id", "lead_id", "epoch", "occurred_at", "fit"]]
    cand = cand.assign(threshold=threshold[candidate], version=version[candidate])

    earlier = acts[["lead_id", "epoch", "occurred_at", "category", "points"]].rename(
        columns={"occurred_at": "t_j"}
    )
    pairs = cand.merge(earlier, on=["lead_id", "epoch"])
    pairs = pairs[pairs["t_j"] <= pairs["occurred_at"]]
    age = (pairs["occurred_at"] - pairs["t_j"]).dt.total_seconds() / 86400
    pairs = pairs.assign(decayed=pairs["points"] * 0.5 ** (age / half_life))
    totals = pairs.groupby(["activity_id", "category"])["decayed"].sum().unstack(fill_value=0.0)
    engagement = sum(
        totals[c].clip(float(categories.loc[c, "min_total"]), float(categories.loc[c, "max_total"]))
        for c in totals.columns
    ).clip(0, 100)
    cand = cand.set_index("activity_id")
    cand["engagement"] = engagement
    cand["lead_score"] = (
        float(parameters["fit_weight"]) * cand["fit"]
        + float(parameters["engagement_weight"]) * cand["engagement"]
    ).clip(0, 100)
    eligible = cand[cand["lead_score"] >= cand["threshold"]].reset_index()
    eligible = eligible.sort_values(["lead_id", "epoch", "occurred_at", "activity_id"])
    first = eligible.groupby(["lead_id", "epoch"], as_index=False).first()
    return first.rename(columns={"occurred_at": "mql_at", "version": "definition_version"})[
        ["lead_id", "epoch", "mql_at", "lead_score", "definition_version"]
    ]


def episode_outcomes(
    episodes: pd.DataFrame, leads: pd.DataFrame, statuses: pd.DataFrame
) -> pd.DataFrame:
    """Per episode: its channel, first sales status (response), accepted and qualified, within
    the episode (from the MQL up to the next recycle)."""
    to_survivor = survivors(leads)
    status = statuses.assign(lead_id=statuses["lead_id"].map(to_survivor))
    merged = episodes.reset_index(names="episode").merge(status, on="lead_id")
    merged = merged[merged["changed_at"] >= merged["mql_at"]]
    recycle = merged[merged["status"] == "Recycled"].groupby("episode")["changed_at"].min()
    merged["ends"] = merged["episode"].map(recycle)
    merged = merged[merged["ends"].isna() | (merged["changed_at"] < merged["ends"])]

    def first(status_names: tuple[str, ...]) -> pd.Series:
        rows = merged[merged["status"].isin(status_names)]
        return rows.groupby("episode")["changed_at"].min()

    out = episodes.reset_index(drop=True).copy()
    channel = channel_of(leads.set_index("lead_id")["lead_source"])
    out["channel"] = out["lead_id"].map(channel)
    out["first_sales_at"] = first(SALES_HELD)
    out["accepted"] = first(("Accepted",)).reindex(out.index).notna()
    out["qualified"] = first(("Qualified",)).reindex(out.index).notna()
    out["response_hours"] = (out["first_sales_at"] - out["mql_at"]).dt.total_seconds() / 3600
    return out
