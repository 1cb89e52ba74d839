"""The funnel marts on the demo-sized build: the conversion table recomputed in pandas from
fct_lead_funnel, the benchmark bands and the speed-to-lead drop the generator planted, and no
e-mail address in any BI-facing mart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import query, query_df

from orchestration.settings import PROJECT_DIR

BI_MARTS = (
    "fct_lead_funnel",
    "fct_funnel_conversion",
    "rpt_speed_to_lead",
    "fct_account_qualification",
    "rpt_funnel_health",
    "fct_mql_events",
    "dim_leads",
)


def _seed(folder: str, name: str) -> pd.DataFrame:
    return pd.read_csv(PROJECT_DIR / "seeds" / folder / f"{name}.csv")


def _settings() -> dict[str, float]:
    frame = _seed("reference", "funnel_health_settings")
    return dict(zip(frame["parameter"], frame["value"].astype(float), strict=True))


def _expected_conversion(warehouse) -> pd.DataFrame:
    leads = query_df(warehouse, "select * from marts.fct_lead_funnel")
    (as_of,) = query(warehouse, "select max(scored_as_of) from marts.dim_leads")[0]
    settings = _settings()
    cohort = pd.to_datetime(leads["cohort_month"])
    window = pd.Timedelta(days=int(settings["measurement_window_days"]))
    leads["mature"] = (cohort + pd.DateOffset(months=1) + window) <= pd.Timestamp(as_of)
    spend = query_df(
        warehouse,
        "select date_trunc('month', s.spend_date)::date as cohort_month, c.channel, "
        "sum(s.spend_amount) as spend from staging.stg_marketing__campaign_spend s "
        "join staging.stg_marketing__campaigns c using (campaign_id) group by all",
    )
    spend["cohort_month"] = pd.to_datetime(spend["cohort_month"])
    keys = leads.assign(cohort_month=cohort)[["cohort_month", "channel", "mature"]]
    keys = keys.drop_duplicates().merge(spend, on=["cohort_month", "channel"], how="left")
    keys["spend"] = keys["spend"].fillna(0.0)

    def aggregate(frame: pd.DataFrame, spend_frame: pd.DataFrame) -> dict[str, float]:
        row = {
            "leads": len(frame),
            "mqls": int(frame["is_mql"].sum()),
            "sals": int(frame["is_sal_after_mql"].sum()),
            "sqls": int(frame["is_sql"].sum()),
            "sqls_from_mql": int(frame["is_sql_after_mql"].sum()),
            "opportunities": int(frame["has_opportunity"].sum()),
            "won_deals": int(frame["is_won"].sum()),
            "spend_amount": float(spend_frame["spend"].sum()),
            "median_days_mql_to_sal": frame["days_mql_to_sal"].median(),
        }
        row["mql_to_sql_rate"] = row["sqls_from_mql"] / row["mqls"] if row["mqls"] else np.nan
        return row

    rows = []
    leads = leads.assign(cohort=cohort.dt.strftime("%Y-%m-%d"))
    keys = keys.assign(cohort=keys["cohort_month"].dt.strftime("%Y-%m-%d"))
    for (label, channel), frame in leads.groupby(["cohort", "channel"]):
        chosen = keys[(keys["cohort"] == label) & (keys["channel"] == channel)]
        rows.append({"cohort": label, "channel": channel, **aggregate(frame, chosen)})
    for label, frame in leads.groupby("cohort"):
        rows.append(
            {"cohort": label, "channel": "all", **aggregate(frame, keys[keys["cohort"] == label])}
        )
    mature, mature_keys = leads[leads["mature"]], keys[keys["mature"]]
    for channel, frame in mature.groupby("channel"):
        chosen = mature_keys[mature_keys["channel"] == channel]
        rows.append({"cohort": "all mature", "channel": channel, **aggregate(frame, chosen)})
    rows.append({"cohort": "all mature", "channel": "all", **aggregate(mature, mature_keys)})
    return pd.DataFrame(rows).set_index(["cohort", "channel"]).sort_index()


def test_conversion_table_recomputed_from_the_lead_funnel(built_warehouse) -> None:
    warehouse = built_warehouse["warehouse"]
    expected = _expected_conversion(warehouse)
    actual = (
        query_df(warehouse, "select * from marts.fct_funnel_conversion")
        .set_index(["cohort", "channel"])
        .sort_index()
    )
    assert list(actual.index) == list(expected.index)
    for column in ("leads", "mqls", "sals", "sqls", "sqls_from_mql", "opportunities", "won_deals"):
        assert (actual[column] == expected[column]).all(), column
    for column in ("spend_amount", "mql_to_sql_rate", "median_days_mql_to_sal"):
        np.testing.assert_allclose(actual[column], expected[column], rtol=1e-9, err_msg=column)


def test_health_flags_follow_the_bands_and_settings(built_warehouse) -> None:
    table = query_df(built_warehouse["warehouse"], "select * from marts.fct_funnel_conversion")
    minimum = _settings()["min_cohort_mqls"]
    assert (table.loc[~table["is_mature"], "health_flag"] == "immature").all()
    judged = table[table["is_mature"] & (table["mqls"] >= minimum) & (table["channel"] != "all")]
    assert len(judged) > 0
    low, high = judged["benchmark_mql_to_sql_low"], judged["benchmark_mql_to_sql_high"]
    expected = np.select(
        [judged["mql_to_sql_rate"] < low, judged["mql_to_sql_rate"] > high],
        ["too loose", "too strict"],
        "healthy",
    )
    assert list(judged["health_flag"]) == list(expected)
    few = table[table["is_mature"] & (table["mqls"] < minimum)]
    assert (few["health_flag"] == "insufficient data").all() and len(few) > 0


def test_every_channel_converts_inside_its_benchmark_band(built_warehouse) -> None:
    rows = query_df(
        built_warehouse["warehouse"],
        "select channel, mqls, mql_to_sql_rate, benchmark_mql_to_sql_low as low, "
        "benchmark_mql_to_sql_high as high from marts.fct_funnel_conversion "
        "where cohort = 'all mature' and channel not in ('all', 'other')",
    )
    assert len(rows) == 7
    for row in rows.itertuples():
        assert row.mqls >= 100, row
        assert row.low <= row.mql_to_sql_rate <= row.high, row


def test_speed_to_lead_drop_after_48_hours_is_visible(built_warehouse) -> None:
    (within, after, mqls) = query(
        built_warehouse["warehouse"],
        "select max(within_48h_rate), max(after_48h_rate), sum(mqls) "
        "from marts.rpt_speed_to_lead where channel = 'all'",
    )[0]
    assert mqls > 1_000
    drop = 1 - after / within
    assert 0.3 <= drop <= 0.6, drop


@pytest.mark.parametrize("mart", BI_MARTS)
def test_bi_marts_carry_no_email_address(built_warehouse, mart: str) -> None:
    columns = query(
        built_warehouse["warehouse"],
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = ?",
        [mart],
    )
    assert columns, f"marts.{mart} is missing"
    assert "email" not in {name for name, _ in columns}
    text = [name for name, kind in columns if kind == "VARCHAR"]
    hits = (
        query(
            built_warehouse["warehouse"],
            "select count(*) from marts."
            + mart
            + " where "
            + " or ".join(f"{name} like '%@%'" for name in text),
        )[0][0]
        if text
        else 0
    )
    assert hits == 0
