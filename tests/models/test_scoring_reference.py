"""The SQL scoring agrees with an independent Python implementation of DOMAIN.md §3.

A few hundred random leads of the end-to-end build are rescored by tests/reference_scoring.py
from the staged inputs; scores must agree to 1e-6 and MQL timestamps exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import query_df
from reference_scoring import engagement_as_of, load_config, mql_episodes, score_events

from orchestration.settings import PROJECT_DIR

SAMPLE = 300


@pytest.fixture(scope="module")
def reference(built_warehouse):
    warehouse = built_warehouse["warehouse"]
    leads = query_df(
        warehouse,
        "select lead_id, seniority, persona, employee_count, industry, country, "
        "email_domain_type from intermediate.int_leads_resolved order by lead_id",
    )
    rng = np.random.default_rng(2026)
    sample = sorted(rng.choice(leads["lead_id"].to_numpy(), size=SAMPLE, replace=False))
    ids = ", ".join(f"'{lead_id}'" for lead_id in sample)
    activities = query_df(
        warehouse,
        "select activity_id, lead_id, activity_type, occurred_at "
        f"from intermediate.int_activities_resolved where lead_id in ({ids})",
    )
    statuses = query_df(
        warehouse,
        "select lead_id, status, status_changed_at "
        f"from intermediate.int_lead_status_changes_resolved where lead_id in ({ids})",
    )
    config = load_config(PROJECT_DIR / "seeds" / "scoring")
    sample_leads = leads[leads["lead_id"].isin(sample)]
    ledger = score_events(sample_leads, activities, statuses, config)
    episodes = mql_episodes(ledger, statuses, config)
    return {
        "ids": ids,
        "ledger": ledger,
        "episodes": episodes,
        "activities": activities,
        "statuses": statuses,
        "config": config,
        "warehouse": warehouse,
    }


def test_sample_is_meaningful(reference) -> None:
    assert len(reference["ledger"]) > 1_000
    assert len(reference["episodes"]) > 10, "the sample must contain MQLs to compare"


def test_every_event_score_matches_the_reference(reference) -> None:
    sql = query_df(
        reference["warehouse"],
        "select activity_id, fit_score, engagement_score, lead_score, grade, "
        "definition_version, engagement_epoch "
        f"from marts.fct_lead_score_events where lead_id in ({reference['ids']})",
    ).set_index("activity_id")
    ref = reference["ledger"].set_index("activity_id")
    assert set(sql.index) == set(ref.index)
    joined = sql.join(ref, rsuffix="_ref")
    for column in ("fit_score", "engagement_score", "lead_score"):
        diff = (joined[column] - joined[f"{column}_ref"]).abs()
        assert diff.max() <= 1e-6, f"{column} differs by {diff.max()} at {diff.idxmax()}"
    assert (joined["grade"] == joined["grade_ref"]).all()
    assert (joined["engagement_epoch"] == joined["epoch"]).all()
    assert (
        joined["definition_version"].fillna("") == joined["definition_version_ref"].fillna("")
    ).all()


def test_mql_episodes_match_exactly(reference) -> None:
    sql = query_df(
        reference["warehouse"],
        "select lead_id, mql_number, mql_at, trigger_activity_id, definition_version "
        f"from marts.fct_mql_events where lead_id in ({reference['ids']}) "
        "order by lead_id, mql_number",
    )
    ref = reference["episodes"].sort_values(["lead_id", "mql_number"]).reset_index(drop=True)
    assert len(sql) == len(ref)
    assert list(sql["lead_id"]) == list(ref["lead_id"])
    assert list(sql["mql_number"]) == list(ref["mql_number"])
    assert list(pd.to_datetime(sql["mql_at"])) == list(pd.to_datetime(ref["mql_at"]))
    assert list(sql["trigger_activity_id"]) == list(ref["trigger_activity_id"])
    assert list(sql["definition_version"]) == list(ref["definition_version"])


def test_current_engagement_matches_the_reference(reference) -> None:
    sql = query_df(
        reference["warehouse"],
        "select lead_id, engagement_score, scored_as_of "
        f"from marts.dim_leads where lead_id in ({reference['ids']})",
    ).set_index("lead_id")
    as_of = pd.Timestamp(sql["scored_as_of"].iloc[0])
    expected = engagement_as_of(
        reference["activities"], reference["statuses"], reference["config"], as_of
    ).reindex(sql.index, fill_value=0.0)
    diff = (sql["engagement_score"] - expected).abs()
    assert diff.max() <= 1e-6, f"engagement differs by {diff.max()} at {diff.idxmax()}"
