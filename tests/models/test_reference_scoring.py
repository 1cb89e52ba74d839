"""Hand-computed checks of the reference scoring oracle (tests/reference_scoring.py).

Every expected number below was worked out by hand from the seeds in seeds/scoring/ (the
guard test ``test_seed_numbers_the_hand_computations_rely_on`` fails first if they change):

    half-life 30 days; lead score = 0.5 * fit + 0.5 * engagement
    caps: web [0, 20], content [0, 30], email [0, 15], event [0, 30], intent [0, 60],
          negative [-50, 0]
    points: page_view 5 (web), case_study_download 15 (content), event_attended 20 (event),
            email_reply 10 (email), pricing_page_view 25 (intent, high), demo_request 40
            (intent, high), trial_signup 35 (intent, high), unsubscribe -20 (negative)
    v1 [2020-01-01, 2025-07-01): threshold 70, min fit 40, window 30 days
    v2 [2025-07-01, open):       threshold 65, min fit 40, window 30 days

Constants used by hand:
    0.5 ** (1 / 30)   = exp(-0.693147 / 30)   = exp(-0.0231049) = 0.977160
    0.5 ** (31 / 30)  = 0.5 * 0.977160        = 0.488580
    0.5 ** (1 / 720)  = exp(-0.000962704)     = 0.999038     (one hour)
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import PROJECT_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_scoring import (
    engagement_as_of,
    fit_score,
    is_blocked,
    load_config,
    mql_episodes,
    score_events,
)

SEEDS_DIR = PROJECT_DIR / "seeds" / "scoring"

D_1_30 = 0.977160  # 0.5 ** (1 / 30), by hand (see module docstring)

# Fit 90 by hand: vp 25 + marketing 20 + 1000 employees 20 + software 15 + US 10 + business 0.
IDEAL = {
    "seniority": "vp",
    "persona": "marketing",
    "employee_count": 1000,
    "industry": "software",
    "country": "US",
    "email_domain_type": "business",
}


@pytest.fixture(scope="module")
def config():
    return load_config(SEEDS_DIR)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def make_leads(*leads: tuple[str, dict]) -> pd.DataFrame:
    return pd.DataFrame([{"lead_id": lead_id, **attrs} for lead_id, attrs in leads])


def make_activities(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """rows: (activity_id, lead_id, activity_type, occurred_at)."""
    return pd.DataFrame(
        [
            {"activity_id": a, "lead_id": lead, "activity_type": kind, "occurred_at": ts(at)}
            for a, lead, kind, at in rows
        ],
        columns=["activity_id", "lead_id", "activity_type", "occurred_at"],
    )


def make_statuses(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """rows: (lead_id, status, status_changed_at)."""
    return pd.DataFrame(
        [{"lead_id": lead, "status": s, "status_changed_at": ts(at)} for lead, s, at in rows],
        columns=["lead_id", "status", "status_changed_at"],
    )


NO_STATUS = make_statuses([])


def ledger_row(ledger: pd.DataFrame, activity_id: str) -> dict:
    rows = ledger[ledger["activity_id"] == activity_id].to_dict("records")
    assert len(rows) == 1
    return rows[0]


def run(config, activities, statuses=NO_STATUS, attrs=IDEAL):
    leads = make_leads(("L1", attrs))
    ledger = score_events(leads, activities, statuses, config)
    episodes = mql_episodes(ledger, statuses, config)
    return ledger, episodes


# --------------------------------------------------------------------------------------------
# Configuration guard
# --------------------------------------------------------------------------------------------


def test_seed_numbers_the_hand_computations_rely_on(config):
    assert config.half_life_days == 30
    assert (config.fit_weight, config.engagement_weight) == (0.5, 0.5)
    caps = {name: (c.min_total, c.max_total) for name, c in config.categories.items()}
    assert caps["web"] == (0, 20)
    assert caps["content"] == (0, 30)
    assert caps["email"] == (0, 15)
    assert caps["event"] == (0, 30)
    assert caps["intent"] == (0, 60)
    assert caps["negative"] == (-50, 0)
    points = {name: t.points for name, t in config.activity_types.items()}
    assert points["page_view"] == 5
    assert points["case_study_download"] == 15
    assert points["event_attended"] == 20
    assert points["email_reply"] == 10
    assert points["pricing_page_view"] == 25
    assert points["demo_request"] == 40
    assert points["trial_signup"] == 35
    assert points["unsubscribe"] == -20
    v1, v2 = config.definitions
    assert (v1.definition_version, v1.score_threshold, v1.min_fit_score) == ("v1", 70, 40)
    assert v1.effective_to == ts("2025-07-01") == v2.effective_from
    assert (v2.definition_version, v2.score_threshold, v2.effective_to) == ("v2", 65, None)
    assert v1.high_intent_window_days == v2.high_intent_window_days == 30


# --------------------------------------------------------------------------------------------
# Fit
# --------------------------------------------------------------------------------------------


def test_fit_of_an_ideal_lead(config):
    # 25 + 20 + 20 + 15 + 10 = 90
    assert fit_score(IDEAL, config) == 90


def test_fit_of_a_mid_lead_and_between_bounds(config):
    # manager 10 + sales 15 + 50..199 employees 10 + retail 0 + GB 10 = 45
    lead = {
        "seniority": "manager",
        "persona": "sales",
        "employee_count": 199,
        "industry": "retail",
        "country": "GB",
        "email_domain_type": "business",
    }
    assert fit_score(lead, config) == 45
    # 200 is the inclusive lower bound of size_core (20): 45 - 10 + 20 = 55
    assert fit_score({**lead, "employee_count": 200}, config) == 55
    # 9 employees: micro -10: 45 - 10 - 10 = 25
    assert fit_score({**lead, "employee_count": 9}, config) == 25


def test_fit_clamps_at_zero_for_a_competitor(config):
    # 90 - 100 = -10 -> 0
    assert fit_score({**IDEAL, "email_domain_type": "competitor"}, config) == 0


def test_fit_clamps_at_zero_for_a_student_abroad(config):
    # student -40 + IN (not served) -30 + personal -20, nothing else: -90 -> 0
    lead = {
        "seniority": "student",
        "persona": None,
        "employee_count": None,
        "industry": None,
        "country": "IN",
        "email_domain_type": "personal",
    }
    assert fit_score(lead, config) == 0


def test_null_attribute_matches_no_rule_not_even_not_in(config):
    # Without a country the served (+10) and unserved (-30) rules both miss: 90 - 10 = 80
    assert fit_score({**IDEAL, "country": None}, config) == 80
    assert fit_score({**IDEAL, "country": float("nan")}, config) == 80
    # unserved country: 90 - 10 - 30 = 50
    assert fit_score({**IDEAL, "country": "BR"}, config) == 50


def test_fit_clamps_at_100(tmp_path):
    # The shipped rules top out at 90; add a +50 bonus rule in a copy of the seeds: 140 -> 100.
    seeds = tmp_path / "scoring"
    shutil.copytree(SEEDS_DIR, seeds)
    with (seeds / "fit_rules.csv").open("a") as handle:
        handle.write("bonus,industry,in,software,,,50,Test-only bonus\n")
    bonus_config = load_config(seeds)
    assert fit_score(IDEAL, bonus_config) == 100


# --------------------------------------------------------------------------------------------
# Engagement
# --------------------------------------------------------------------------------------------


def test_single_activity_decays_to_half_after_one_half_life(config):
    activities = make_activities(
        [
            ("a1", "L1", "demo_request", "2025-01-01 00:00:00"),
            ("a2", "L1", "page_view", "2025-01-31 00:00:00"),  # 30 days later
            ("a3", "L1", "email_bounce", "2025-03-02 00:00:00"),  # 60 days after a1
        ]
    )
    ledger, _ = run(config, activities)
    first = ledger_row(ledger, "a1")
    assert first["intent_total"] == 40
    assert first["engagement_score"] == 40
    assert first["lead_score"] == pytest.approx(65)  # 0.5 * 90 + 0.5 * 40
    second = ledger_row(ledger, "a2")
    assert second["intent_total"] == pytest.approx(20)  # 40 * 0.5
    assert second["web_total"] == 5
    assert second["engagement_score"] == pytest.approx(25)
    third = ledger_row(ledger, "a3")
    # intent 40 * 0.25 = 10; web 5 * 0.5 = 2.5; negative -10 -> 10 + 2.5 - 10 = 2.5
    assert third["intent_total"] == pytest.approx(10)
    assert third["web_total"] == pytest.approx(2.5)
    assert third["negative_total"] == -10
    assert third["engagement_score"] == pytest.approx(2.5)
    # engagement as of a time without activity: day 90 -> intent 5, web 1.25, negative -5
    as_of = engagement_as_of(activities, NO_STATUS, config, ts("2025-04-01 00:00:00"))
    assert as_of["L1"] == pytest.approx(1.25)


def test_cap_clamps_a_category(config):
    # Six page views on six consecutive days. At day 5 each term is at least
    # 5 * 0.5 ** (5 / 30) = 4.45, so the raw web total is >= 26.7 > 20: clamped to 20.
    # At day 0 the total is 5 (unclamped), at day 1 it is 5 * 0.977160 + 5 = 9.8858.
    activities = make_activities(
        [(f"a{d}", "L1", "page_view", f"2025-01-0{d + 1} 00:00:00") for d in range(6)]
    )
    ledger, _ = run(config, activities)
    assert ledger_row(ledger, "a0")["web_total"] == 5
    assert ledger_row(ledger, "a1")["web_total"] == pytest.approx(9.8858, abs=1e-4)
    assert ledger_row(ledger, "a5")["web_total"] == 20
    assert ledger_row(ledger, "a5")["engagement_score"] == 20


def test_negative_points_floor_at_category_min_and_engagement_at_zero(config):
    # Three unsubscribes (-60 -> -50) and a page view (5), all at the same time:
    # engagement = clamp(5 - 50, 0, 100) = 0; lead score = 0.5 * 90 = 45.
    at = "2025-02-01 10:00:00"
    activities = make_activities(
        [
            ("a1", "L1", "unsubscribe", at),
            ("a2", "L1", "unsubscribe", at),
            ("a3", "L1", "unsubscribe", at),
            ("a4", "L1", "page_view", at),
        ]
    )
    ledger, _ = run(config, activities)
    for activity_id in ("a1", "a2", "a3", "a4"):
        row = ledger_row(ledger, activity_id)
        assert row["negative_total"] == -50
        assert row["web_total"] == 5
        assert row["engagement_score"] == 0
        assert row["lead_score"] == 45
        assert row["grade"] == "A4"


def test_huge_burst_clamps_engagement_to_100(config):
    # All at once: intent 2*40=80->60, web 5*5=25->20, content 3*15=45->30,
    # email 2*10=20->15, event 2*20=40->30: 60+20+30+15+30 = 155 -> 100.
    at = "2025-03-03 09:00:00"
    rows = []
    burst = [
        ("demo_request", 2),
        ("page_view", 5),
        ("case_study_download", 3),
        ("email_reply", 2),
        ("event_attended", 2),
    ]
    for kind, count in burst:
        for i in range(count):
            rows.append((f"{kind}_{i}", "L1", kind, at))
    ledger, episodes = run(config, make_activities(rows))
    assert len(ledger) == 14
    assert (ledger["engagement_score"] == 100).all()
    assert (ledger["lead_score"] == 95).all()  # 0.5 * 90 + 0.5 * 100
    assert (ledger["grade"] == "A1").all()
    assert ledger_row(ledger, "demo_request_0")["intent_total"] == 60
    # one MQL: trigger is the smallest activity_id at the tie ("case_study_download_0")
    assert episodes["trigger_activity_id"].tolist() == ["case_study_download_0"]


def test_ties_at_the_same_timestamp_count_both_ways(config):
    # a page view and a demo request at the same instant both see web 5 + intent 40 = 45.
    at = "2025-02-10 12:00:00"
    activities = make_activities([("a2", "L1", "demo_request", at), ("a1", "L1", "page_view", at)])
    ledger, _ = run(config, activities)
    assert ledger["activity_id"].tolist() == ["a1", "a2"]  # ordered by (time, id)
    for activity_id in ("a1", "a2"):
        row = ledger_row(ledger, activity_id)
        assert row["web_total"] == 5
        assert row["intent_total"] == 40
        assert row["engagement_score"] == 45
        assert row["lead_score"] == 67.5  # 45 + 22.5 < 70: no MQL
    assert not ledger["is_mql_trigger"].any()


def test_sales_touches_and_unknown_types_are_not_ledger_rows(config):
    activities = make_activities(
        [
            ("a1", "L1", "sales_call", "2025-02-01"),
            ("a2", "L1", "carrier_pigeon", "2025-02-01"),
            ("a3", "L1", "page_view", "2025-02-01"),
        ]
    )
    ledger, _ = run(config, activities)
    assert ledger["activity_id"].tolist() == ["a3"]
    assert ledger_row(ledger, "a3")["engagement_score"] == 5


# --------------------------------------------------------------------------------------------
# MQL
# --------------------------------------------------------------------------------------------


def test_trigger_is_the_first_qualifying_event(config):
    # day 0 demo: engagement 40, score 65 < 70.
    # day 1 case study: intent 40 * 0.977160 = 39.086 + content 15 = 54.086,
    #   score 45 + 27.043 = 72.043 >= 70, demo within 30 days -> MQL (trigger = case study,
    #   the activity that tipped it over, not the high-intent one).
    # day 2 page view: also eligible, but the lead is already an MQL in this epoch.
    activities = make_activities(
        [
            ("a1", "L1", "demo_request", "2025-01-01 00:00:00"),
            ("a2", "L1", "case_study_download", "2025-01-02 00:00:00"),
            ("a3", "L1", "page_view", "2025-01-03 00:00:00"),
        ]
    )
    ledger, episodes = run(config, activities)
    assert ledger_row(ledger, "a1")["lead_score"] == 65
    assert ledger_row(ledger, "a2")["lead_score"] == pytest.approx(72.043, abs=1e-3)
    assert ledger["is_mql_trigger"].tolist() == [False, True, False]
    assert len(episodes) == 1
    mql = episodes.iloc[0]
    assert mql["mql_number"] == 1
    assert mql["mql_at"] == ts("2025-01-02")
    assert mql["trigger_activity_id"] == "a2"
    assert mql["trigger_activity_type"] == "case_study_download"
    assert mql["definition_version"] == "v1"
    assert mql["fit_score"] == 90
    assert mql["engagement_score"] == pytest.approx(54.086, abs=1e-3)
    assert mql["lead_score"] == pytest.approx(72.043, abs=1e-3)


def test_tie_trigger_is_smallest_activity_id(config):
    # demo 40 + pricing 25 at the same instant: intent 65 -> 60, score 45 + 30 = 75.
    at = "2025-03-01 08:00:00"
    activities = make_activities(
        [("b2", "L1", "pricing_page_view", at), ("b1", "L1", "demo_request", at)]
    )
    ledger, episodes = run(config, activities)
    assert (ledger["lead_score"] == 75).all()
    assert episodes["trigger_activity_id"].tolist() == ["b1"]


def test_no_high_intent_within_window_means_no_mql(config):
    # day 0 demo (40). day 31: two case studies + two events at one instant:
    #   intent 40 * 0.488580 = 19.543, content 30, event 40 -> 30: engagement 79.543,
    #   score 45 + 39.772 = 84.772 >= 70, but the demo is 31 > 30 days old: not eligible.
    # day 32 pricing page: high intent now in the window -> MQL with that trigger.
    day31 = "2025-02-01 00:00:00"
    activities = make_activities(
        [
            ("a0", "L1", "demo_request", "2025-01-01 00:00:00"),
            ("a1", "L1", "case_study_download", day31),
            ("a2", "L1", "case_study_download", day31),
            ("a3", "L1", "event_attended", day31),
            ("a4", "L1", "event_attended", day31),
            ("a5", "L1", "pricing_page_view", "2025-02-02 00:00:00"),
        ]
    )
    ledger, episodes = run(config, activities)
    assert ledger_row(ledger, "a1")["lead_score"] == pytest.approx(84.772, abs=1e-3)
    assert not ledger[ledger["activity_id"] != "a5"]["is_mql_trigger"].any()
    assert episodes["trigger_activity_id"].tolist() == ["a5"]


def test_high_intent_window_is_inclusive_at_exactly_30_days(config):
    # demo at day 0, burst at exactly day 30: intent 20, content 30, event 30 -> 80,
    # score 45 + 40 = 85; the demo is exactly 30 days old -> inside the window -> MQL.
    day30 = "2025-01-31 00:00:00"
    activities = make_activities(
        [
            ("a0", "L1", "demo_request", "2025-01-01 00:00:00"),
            ("a1", "L1", "case_study_download", day30),
            ("a2", "L1", "case_study_download", day30),
            ("a3", "L1", "event_attended", day30),
            ("a4", "L1", "event_attended", day30),
        ]
    )
    ledger, episodes = run(config, activities)
    assert ledger_row(ledger, "a1")["lead_score"] == pytest.approx(85)
    assert episodes["trigger_activity_id"].tolist() == ["a1"]


def test_min_fit_blocks_mql(config):
    # Fit by hand: manager 10 + marketing 20 + 5 employees (micro) -10 + retail 0 + US 10 = 30.
    # Under v2 (threshold 65) a burst with engagement 100 gives score 15 + 50 = 65 >= 65,
    # and a demo is in the window, but fit 30 < min fit 40 -> no MQL.
    lead = {
        "seniority": "manager",
        "persona": "marketing",
        "employee_count": 5,
        "industry": "retail",
        "country": "US",
        "email_domain_type": "business",
    }
    at = "2025-08-01 00:00:00"
    rows = [(f"x{i}", "L1", "demo_request", at) for i in range(2)]
    rows += [(f"y{i}", "L1", "event_attended", at) for i in range(2)]
    rows += [(f"z{i}", "L1", "case_study_download", at) for i in range(2)]
    rows += [(f"w{i}", "L1", "page_view", at) for i in range(4)]
    # intent 60, event 30, content 30, web 20 -> 140 -> 100
    ledger, episodes = run(config, make_activities(rows), attrs=lead)
    assert (ledger["fit_score"] == 30).all()
    assert (ledger["lead_score"] == 65).all()
    assert (ledger["grade"] == "C1").all()
    assert episodes.empty


def test_definition_switch_changes_the_threshold(config):
    # 2025-06-30 00:00 demo: engagement 40, score 65 < 70 (v1) -> no MQL.
    # 2025-07-01 00:00 page view (v2 in force from exactly then): intent 40 * 0.977160 =
    #   39.086 + web 5 = 44.086, score 45 + 22.043 = 67.043: < 70 but >= 65 -> MQL under v2.
    activities = make_activities(
        [
            ("a1", "L1", "demo_request", "2025-06-30 00:00:00"),
            ("a2", "L1", "page_view", "2025-07-01 00:00:00"),
        ]
    )
    ledger, episodes = run(config, activities)
    assert ledger_row(ledger, "a1")["definition_version"] == "v1"
    assert ledger_row(ledger, "a2")["definition_version"] == "v2"
    assert ledger_row(ledger, "a2")["lead_score"] == pytest.approx(67.043, abs=1e-3)
    assert episodes["trigger_activity_id"].tolist() == ["a2"]
    assert episodes["definition_version"].tolist() == ["v2"]


def test_same_history_before_the_switch_is_not_an_mql(config):
    # The same two activities a month earlier are both under v1 (67.043 < 70): no MQL.
    activities = make_activities(
        [
            ("a1", "L1", "demo_request", "2025-05-30 00:00:00"),
            ("a2", "L1", "page_view", "2025-05-31 00:00:00"),
        ]
    )
    _, episodes = run(config, activities)
    assert episodes.empty


def test_definition_change_alone_creates_no_mql(config):
    # 2025-06-30 23:00 demo + page view: engagement 45, score 67.5 < 70 (v1): no MQL.
    # At 2025-07-01 00:00 (one hour later, v2): engagement 45 * 0.999038 = 44.957,
    # score 45 + 22.478 = 67.478 >= 65, but there is no activity to trigger: no MQL.
    at = "2025-06-30 23:00:00"
    activities = make_activities([("a1", "L1", "demo_request", at), ("a2", "L1", "page_view", at)])
    ledger, episodes = run(config, activities)
    assert (ledger["lead_score"] == 67.5).all()
    assert episodes.empty
    current = engagement_as_of(activities, NO_STATUS, config, ts("2025-07-01 00:00:00"))
    assert current["L1"] == pytest.approx(44.957, abs=1e-3)


def test_recycle_resets_engagement_and_allows_a_second_mql(config):
    # Epoch 0: 01-01 demo + pricing at once: intent 60, score 75 -> MQL 1 (trigger a1).
    #   01-02 working; 01-05 demo: blocked (and epoch 0 already has its MQL).
    #   01-10 recycled -> epoch 1 for everything at or after it.
    # Epoch 1: 01-11 two case studies + two events at once: content 30 + event 30 = 60
    #   (the epoch-0 intent no longer counts: with it, intent would add ~47),
    #   score 45 + 30 = 75 >= 70 but the only high-intent actions in the window (01-01,
    #   01-05) are in epoch 0: not eligible.
    #   01-12 pricing: content 30 * 0.977160 = 29.315, event 40 * 0.977160 = 39.086 -> 30,
    #   intent 25 -> 84.315, score 45 + 42.157 = 87.157 -> MQL 2 (trigger a8).
    activities = make_activities(
        [
            ("a1", "L1", "demo_request", "2025-01-01 00:00:00"),
            ("a2", "L1", "pricing_page_view", "2025-01-01 00:00:00"),
            ("a3", "L1", "demo_request", "2025-01-05 00:00:00"),
            ("a4", "L1", "case_study_download", "2025-01-11 00:00:00"),
            ("a5", "L1", "case_study_download", "2025-01-11 00:00:00"),
            ("a6", "L1", "event_attended", "2025-01-11 00:00:00"),
            ("a7", "L1", "event_attended", "2025-01-11 00:00:00"),
            ("a8", "L1", "pricing_page_view", "2025-01-12 00:00:00"),
        ]
    )
    statuses = make_statuses(
        [
            ("L1", "open", "2024-12-31 00:00:00"),
            ("L1", "working", "2025-01-02 00:00:00"),
            ("L1", "recycled", "2025-01-10 00:00:00"),
        ]
    )
    ledger, episodes = run(config, activities, statuses)
    assert ledger["epoch"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1]
    epoch1 = ledger_row(ledger, "a4")
    assert epoch1["intent_total"] == 0
    assert epoch1["engagement_score"] == 60
    assert epoch1["lead_score"] == 75
    assert ledger_row(ledger, "a8")["lead_score"] == pytest.approx(87.157, abs=1e-3)
    assert episodes["mql_number"].tolist() == [1, 2]
    assert episodes["trigger_activity_id"].tolist() == ["a1", "a8"]
    assert episodes["epoch"].tolist() == [0, 1]
    assert ledger["is_mql_trigger"].tolist() == [True] + [False] * 6 + [True]
    # as of 01-12 the current epoch is 1: engagement 84.315 (epoch-0 intent excluded)
    current = engagement_as_of(activities, statuses, config, ts("2025-01-12 00:00:00"))
    assert current["L1"] == pytest.approx(84.315, abs=1e-3)
    # as of 01-09 (epoch 0): intent (40 + 25) * 0.5 ** (8/30) + 40 * 0.5 ** (4/30) > 60 -> 60
    before = engagement_as_of(activities, statuses, config, ts("2025-01-09 00:00:00"))
    assert before["L1"] == 60


def test_recycle_at_the_same_instant_as_an_activity_starts_the_new_epoch(config):
    activities = make_activities(
        [
            ("a1", "L1", "demo_request", "2025-01-01 00:00:00"),
            ("a2", "L1", "page_view", "2025-01-10 00:00:00"),
        ]
    )
    statuses = make_statuses([("L1", "recycled", "2025-01-10 00:00:00")])
    ledger, _ = run(config, activities, statuses)
    assert ledger["epoch"].tolist() == [0, 1]
    assert ledger_row(ledger, "a2")["engagement_score"] == 5


@pytest.mark.parametrize("held_status", ["working", "accepted", "qualified", "converted"])
def test_no_mql_while_in_sales_hands(config, held_status):
    # Otherwise eligible (demo + pricing at once, score 75), but sales holds the lead.
    # An outbound lead: no earlier MQL, so only the blocking rule prevents it.
    at = "2025-03-05 00:00:00"
    activities = make_activities(
        [("a1", "L1", "demo_request", at), ("a2", "L1", "pricing_page_view", at)]
    )
    statuses = make_statuses(
        [("L1", "open", "2025-03-01 00:00:00"), ("L1", held_status, "2025-03-02 00:00:00")]
    )
    ledger, episodes = run(config, activities, statuses)
    assert (ledger["lead_score"] == 75).all()
    assert episodes.empty


def test_status_change_at_the_activity_instant_blocks(config):
    at = "2025-03-05 00:00:00"
    activities = make_activities(
        [("a1", "L1", "demo_request", at), ("a2", "L1", "pricing_page_view", at)]
    )
    statuses = make_statuses([("L1", "working", at)])
    assert run(config, activities, statuses)[1].empty
    # back to open later: the lead can MQL again (same epoch, never an MQL so far)
    later = make_activities(
        [
            ("a1", "L1", "demo_request", at),
            ("a2", "L1", "pricing_page_view", at),
            ("a3", "L1", "page_view", "2025-03-07 00:00:00"),
        ]
    )
    statuses = make_statuses([("L1", "working", at), ("L1", "open", "2025-03-06 00:00:00")])
    # at 03-07: intent 60 (65 * 0.5 ** (2/30) = 62.1 -> 60) + web 5 = 65 -> score 77.5
    ledger, episodes = run(config, later, statuses)
    assert ledger_row(ledger, "a3")["lead_score"] == 77.5
    assert episodes["trigger_activity_id"].tolist() == ["a3"]


def test_blocking_ties_the_status_further_along_at_the_latest_instant_decides():
    at = ts("2025-03-05")
    assert is_blocked(at, [(at, "open"), (at, "working")])
    assert is_blocked(at, [(at, "working"), (at, "open")])
    # DOMAIN.md 5: recycled comes after working, so at one instant the lead is recycled.
    assert not is_blocked(at, [(at, "working"), (at, "recycled")])
    assert not is_blocked(at, [(at, "recycled"), (at, "qualified")])
    assert not is_blocked(at, [(at, "open"), (ts("2025-03-06"), "working")])
    assert not is_blocked(at, [(ts("2025-03-01"), "qualified"), (ts("2025-03-02"), "recycled")])
    assert not is_blocked(at, [])


def test_disqualified_is_terminal(config):
    # Disqualified on 03-01; later 'open' and 'recycled' rows do not lift it.
    at = "2025-03-10 00:00:00"
    activities = make_activities(
        [("a1", "L1", "demo_request", at), ("a2", "L1", "pricing_page_view", at)]
    )
    statuses = make_statuses(
        [
            ("L1", "disqualified", "2025-03-01 00:00:00"),
            ("L1", "open", "2025-03-03 00:00:00"),
            ("L1", "recycled", "2025-03-04 00:00:00"),
        ]
    )
    ledger, episodes = run(config, activities, statuses)
    assert (ledger["lead_score"] == 75).all()
    assert (ledger["epoch"] == 1).all()
    assert episodes.empty
    # but a disqualification after the trigger does not undo the MQL
    statuses_after = make_statuses([("L1", "disqualified", "2025-03-11 00:00:00")])
    assert len(run(config, activities, statuses_after)[1]) == 1


def test_no_definition_in_force_no_mql(config):
    # before v1's effective_from (2020-01-01): otherwise eligible (score 75)
    at = "2019-06-01 00:00:00"
    activities = make_activities(
        [("a1", "L1", "demo_request", at), ("a2", "L1", "pricing_page_view", at)]
    )
    ledger, episodes = run(config, activities)
    assert ledger["definition_version"].isna().all()
    assert episodes.empty


def test_mql_numbers_are_per_lead(config):
    at = "2025-03-01 00:00:00"
    activities = make_activities(
        [
            ("a1", "L1", "demo_request", at),
            ("a2", "L1", "pricing_page_view", at),
            ("a3", "L2", "demo_request", at),
            ("a4", "L2", "pricing_page_view", at),
        ]
    )
    leads = make_leads(("L1", IDEAL), ("L2", IDEAL))
    ledger = score_events(leads, activities, NO_STATUS, config)
    episodes = mql_episodes(ledger, NO_STATUS, config)
    assert episodes[["lead_id", "mql_number", "trigger_activity_id"]].values.tolist() == [
        ["L1", 1, "a1"],
        ["L2", 1, "a3"],
    ]


# --------------------------------------------------------------------------------------------
# Property: scores stay in range
# --------------------------------------------------------------------------------------------

ACTIVITY_TYPE_CHOICES = [
    "page_view",
    "pricing_page_view",
    "case_study_download",
    "event_attended",
    "email_open",
    "email_reply",
    "demo_request",
    "unsubscribe",
    "email_bounce",
    "sales_call",
    "unknown_type",
]
STATUS_CHOICES = [
    "open",
    "working",
    "accepted",
    "qualified",
    "recycled",
    "disqualified",
    "converted",
]
BASE = ts("2025-05-01 00:00:00")
MINUTES = st.integers(min_value=0, max_value=200 * 24 * 60)

lead_attrs = st.fixed_dictionaries(
    {
        "seniority": st.sampled_from(["c_level", "vp", "director", "manager", "student", None]),
        "persona": st.sampled_from(["marketing", "sales", "it", "other", None]),
        "employee_count": st.one_of(st.none(), st.integers(min_value=0, max_value=20000)),
        "industry": st.sampled_from(["software", "retail", None]),
        "country": st.sampled_from(["US", "DE", "IN", None]),
        "email_domain_type": st.sampled_from(["business", "personal", "competitor", None]),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    attrs=lead_attrs,
    activity_rows=st.lists(
        st.tuples(st.sampled_from(ACTIVITY_TYPE_CHOICES), MINUTES), min_size=0, max_size=30
    ),
    status_rows=st.lists(st.tuples(st.sampled_from(STATUS_CHOICES), MINUTES), max_size=5),
    as_of_minutes=MINUTES,
)
def test_scores_stay_in_range(config, attrs, activity_rows, status_rows, as_of_minutes):
    def at(minutes: int) -> str:
        return str(BASE + pd.Timedelta(minutes=minutes))

    activities = make_activities(
        [(f"a{i:03d}", "L1", kind, at(m)) for i, (kind, m) in enumerate(activity_rows)]
    )
    statuses = make_statuses([("L1", s, at(m)) for s, m in status_rows])
    ledger, episodes = run(config, activities, statuses, attrs)

    for column in ("fit_score", "engagement_score", "lead_score"):
        assert ledger[column].between(0, 100).all(), column
    for name, category in config.categories.items():
        assert ledger[f"{name}_total"].between(category.min_total, category.max_total).all()
    assert ledger["grade"].notna().all()
    # at most one MQL per (lead, epoch), numbered 1..n in time order
    assert not episodes.duplicated(["lead_id", "epoch"]).any()
    assert episodes["mql_number"].tolist() == list(range(1, len(episodes) + 1))
    assert episodes["mql_at"].is_monotonic_increasing
    assert int(ledger["is_mql_trigger"].sum()) == len(episodes)
    for episode in episodes.to_dict("records"):
        assert episode["lead_score"] >= 65

    as_of = BASE + pd.Timedelta(minutes=as_of_minutes)
    current = engagement_as_of(activities, statuses, config, as_of)
    assert current.between(0, 100).all()
