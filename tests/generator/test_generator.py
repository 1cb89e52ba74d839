"""Tests of the demo-data generator (orchestration/generator/core.py).

The data is checked from the outside: files are read back with pyarrow / the csv module, and
the funnel is recomputed by tests/generator_checks.py from the seeds, not from the generator's
own constants. Sizes are small (a few thousand leads; 20,000 for the calibration) so the whole
file runs in well under a minute.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT_DIR
from generator_checks import (
    PERSONA_RULES,
    SENIORITY_RULES,
    channel_of,
    classify_title,
    episode_outcomes,
    mql_episodes,
    seed,
)

from orchestration.generator import MANIFEST_NAME, generate
from orchestration.generator import config as cfg
from orchestration.generator.sales import BAND_POSITION
from orchestration.ingestion.contract import LEAD_STATUSES, TABLES

SMALL, SEED = 3_000, 11
CALIBRATION_LEADS, CALIBRATION_SEED = 20_000, 42
START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2026-06-30 23:59:59")
BATCHES = 30
ARROW = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}
ID_PATTERNS = {
    "lead_id": r"L\d{7}",
    "activity_id": r"A\d{8}",
    "opportunity_id": r"O\d{6}",
    "campaign_id": r"C\d{4}",
    "account_id": r"ACC\d{5}",
}
STAGE_ORDER = {"Discovery": 0, "Demo": 1, "Proposal": 2, "Negotiation": 3}
TIMESTAMP_TEXT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("generator")


@pytest.fixture(scope="module")
def small(workdir: Path) -> Path:
    generate(SMALL, SEED, workdir / "small")
    return workdir / "small"


@pytest.fixture(scope="module")
def calibration(workdir: Path) -> Path:
    generate(CALIBRATION_LEADS, CALIBRATION_SEED, workdir / "calibration")
    return workdir / "calibration"


@pytest.fixture(scope="module")
def dirty(workdir: Path) -> Path:
    generate(SMALL, SEED, workdir / "dirty", dirty=True)
    return workdir / "dirty"


def manifest_of(root: Path) -> dict:
    return json.loads((root / MANIFEST_NAME).read_text())


def read(root: Path, table: str) -> pd.DataFrame:
    """A clean table of a single-batch parquet landing zone."""
    return pq.read_table(root / table / "batch_0001.parquet").to_pandas()


def same_times(a: pd.Series, b: pd.Series) -> bool:
    missing = pd.Timestamp(0)
    return bool((a.fillna(missing) == b.fillna(missing)).all())


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# --- determinism and shape ---------------------------------------------------------------


def test_same_seed_gives_the_same_bytes(small: Path, workdir: Path) -> None:
    again = workdir / "small_again"
    generate(SMALL, SEED, again)
    assert digests(again) == digests(small)


def test_another_seed_gives_other_data(small: Path, workdir: Path) -> None:
    other = workdir / "other_seed"
    generate(SMALL, SEED + 1, other)
    first, second = digests(small), digests(other)
    assert first.keys() == second.keys()
    assert first["leads/batch_0001.parquet"] != second["leads/batch_0001.parquet"]
    assert first["activities/batch_0001.parquet"] != second["activities/batch_0001.parquet"]


def test_files_follow_the_contract(small: Path) -> None:
    manifest = manifest_of(small)
    for name, contract in TABLES.items():
        files = sorted((small / name).iterdir())
        assert [f.name for f in files] == ["batch_0001.parquet"]
        schema = pq.read_schema(files[0])
        assert schema.names == contract.column_names
        assert [schema.field(c.name).type for c in contract.columns] == [
            ARROW[c.type] for c in contract.columns
        ]
        data = pq.read_table(files[0])
        assert data.num_rows > 0
        assert manifest["files"][f"{name}/batch_0001.parquet"] == data.num_rows
        assert manifest["rows"][name] == data.num_rows
        for column in contract.columns:
            if not column.nullable:
                assert data.column(column.name).null_count == 0, (name, column.name)
    assert set(manifest) >= {"seed", "n_leads", "rows", "files", "expected_funnel"}
    assert manifest["seed"] == SEED and manifest["n_leads"] == SMALL


def test_ids_have_the_house_format(small: Path) -> None:
    for name, contract in TABLES.items():
        data = read(small, name)
        for column in contract.column_names:
            base = "lead_id" if column == "merged_into_lead_id" else column
            if base in ID_PATTERNS:
                values = data[column].dropna()
                assert values.str.fullmatch(ID_PATTERNS[base]).all(), (name, column)


def test_csv_files_hold_the_same_data_as_parquet(workdir: Path) -> None:
    parquet_root, csv_root = workdir / "fmt_parquet", workdir / "fmt_csv"
    generate(800, 5, parquet_root)
    generate(800, 5, csv_root, file_format="csv")
    for name, contract in TABLES.items():
        path = csv_root / name / "batch_0001.csv"
        with path.open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == contract.column_names
        assert {len(r) for r in rows[1:]} == {len(contract.column_names)}
        text = pd.DataFrame(rows[1:], columns=rows[0])
        expected = read(parquet_root, name)
        assert len(text) == len(expected)
        for column in contract.columns:
            values = text[column.name]
            if column.type in ("TIMESTAMP", "DATE"):
                shape = TIMESTAMP_TEXT if column.type == "TIMESTAMP" else DATE_TEXT
                assert values[values != ""].str.fullmatch(shape).all(), (name, column.name)
                parsed = pd.to_datetime(values.replace("", None))
                assert same_times(parsed, pd.to_datetime(expected[column.name])), column.name
            elif column.type in ("BIGINT", "DOUBLE"):
                parsed = pd.to_numeric(values.replace("", None))
                assert np.allclose(parsed, expected[column.name], equal_nan=True)
            elif column.type == "BOOLEAN":
                assert (values == expected[column.name].map({True: "true", False: "false"})).all()
            else:
                assert (values == expected[column.name].fillna("")).all(), (name, column.name)


# --- consistency of clean data -----------------------------------------------------------


def test_references_resolve(small: Path) -> None:
    leads = read(small, "leads")
    lead_ids = set(leads["lead_id"])
    accounts = set(read(small, "accounts")["account_id"])
    campaigns = set(read(small, "campaigns")["campaign_id"])
    activities = read(small, "activities")
    opportunities = read(small, "opportunities")
    assert set(activities["lead_id"]) <= lead_ids
    assert set(read(small, "lead_status_history")["lead_id"]) <= lead_ids
    assert set(opportunities["lead_id"].dropna()) <= lead_ids
    assert opportunities["lead_id"].isna().any()  # some deals were not sourced from leads
    assert set(opportunities["account_id"].dropna()) <= accounts
    assert set(leads["account_id"].dropna()) <= accounts
    assert set(activities["campaign_id"].dropna()) <= campaigns
    assert set(read(small, "campaign_spend")["campaign_id"]) <= campaigns
    assert set(read(small, "opportunity_stage_history")["opportunity_id"]) <= set(
        opportunities["opportunity_id"]
    )
    merged = leads.dropna(subset=["merged_into_lead_id"])
    created = leads.set_index("lead_id")["created_at"]
    assert set(merged["merged_into_lead_id"]) <= lead_ids
    assert (merged["merged_into_lead_id"].map(created) < merged["created_at"]).all()


def test_status_history_is_ordered_and_starts_open(small: Path) -> None:
    leads = read(small, "leads")
    history = read(small, "lead_status_history")
    assert set(history["status"]) == set(LEAD_STATUSES)
    ordered = history.sort_values(["lead_id", "changed_at"], kind="stable")
    first = ordered.groupby("lead_id").first()
    assert len(first) == len(leads)
    assert (first["status"] == "Open").all()
    assert (first["changed_at"] == leads.set_index("lead_id")["created_at"]).all()
    assert (ordered.groupby("lead_id")["changed_at"].diff().dropna() > pd.Timedelta(0)).all()
    assert (history["status"] == "Open").sum() == len(leads)


def test_clean_data_has_none_of_the_bad_kinds(small: Path) -> None:
    leads, activities = read(small, "leads"), read(small, "activities")
    opportunities, stages = read(small, "opportunities"), read(small, "opportunity_stage_history")
    spend = read(small, "campaign_spend")
    for name, contract in TABLES.items():
        data = read(small, name)
        assert not data.duplicated(list(contract.key)).any(), name
        for column in contract.key:
            assert data[column].notna().all() and (data[column].astype(str) != "").all()
    assert set(activities["activity_type"]) <= set(seed("scoring_activity_types")["activity_type"])
    for data, column in ((leads, "created_at"), (leads, "updated_at"), (activities, "occurred_at"),
                         (opportunities, "updated_at"), (stages, "changed_at")):  # fmt: skip
        assert data[column].between(START, END).all(), column
    created = activities["lead_id"].map(leads.set_index("lead_id")["created_at"])
    assert (activities["occurred_at"] >= created).all()
    assert (opportunities["amount"] > 0).all() and (spend["amount"] >= 0).all()
    won = opportunities[opportunities["is_won"]]
    assert len(won) > 0 and won["amount"].notna().all() and won["closed_at"].notna().all()
    assert (won["stage_name"] == "Closed Won").all()
    assert not _stage_regressions(stages)


def _stage_regressions(stages: pd.DataFrame) -> set[str]:
    """Opportunities whose history enters a stage before one it already passed."""
    order = stages["stage_name"].map(STAGE_ORDER).fillna(4)
    frame = stages.assign(order=order).sort_values(["opportunity_id", "changed_at"])
    backwards = frame.groupby("opportunity_id")["order"].diff() < 0
    return set(frame.loc[backwards, "opportunity_id"])


# --- realism -------------------------------------------------------------------------------


def test_people_look_like_crm_data(calibration: Path) -> None:
    leads, accounts = read(calibration, "leads"), read(calibration, "accounts")
    channel = channel_of(leads["lead_source"])
    share = channel.value_counts(normalize=True)
    for name in seed("channels", "reference")["channel"]:
        if name != "other":
            assert share[name] > 0.05, name
    assert 0 < share["other"] < 0.005
    source = leads["lead_source"]
    assert (source != source.str.strip()).any() and source.str.isupper().any()
    assert source.str.islower().any()
    assert (leads["email"] != leads["email"].str.lower()).mean() > 0.2
    domain = leads["email"].str.lower().str.split("@").str[1]
    kinds = seed("email_domains", "reference").set_index("email_domain")["domain_type"]
    kind = domain.map(kinds).fillna("business")
    assert 0.6 < (kind == "business").mean() < 0.9 and 0 < (kind == "competitor").mean() < 0.01
    seniority = leads["job_title"].map(lambda t: classify_title(t, SENIORITY_RULES, "individual"))
    persona = leads["job_title"].map(lambda t: classify_title(t, PERSONA_RULES, "other"))
    assert set(seniority) == set(cfg.SENIORITIES) and set(persona) == set(cfg.PERSONAS)
    served = seed("fit_rules").set_index("rule_id").loc["country_served", "match_values"]
    assert 0.05 < (~leads["country"].isin(served.split("|"))).mean() < 0.25
    assert 0.1 < leads["annual_revenue"].isna().mean() < 0.25

    merged = leads["merged_into_lead_id"].notna()
    assert 0.01 < merged.mean() < 0.03
    parents = set(leads.loc[merged, "merged_into_lead_id"])
    assert leads.loc[merged, "lead_id"].isin(parents).any()  # a two-hop chain A -> B -> C
    assert 0 < leads["is_deleted"].mean() < 0.01

    with_account = leads.dropna(subset=["account_id"])
    assert len(with_account) / len(leads) > 0.7
    assert with_account["account_id"].value_counts().median() >= 2
    joined = with_account.merge(accounts, on="account_id", suffixes=("", "_account"))
    for column in ("industry", "employee_count", "country"):
        assert (joined[column] == joined[f"{column}_account"]).all(), column


def test_activity_and_spend_look_realistic(calibration: Path) -> None:
    leads, activities = read(calibration, "leads"), read(calibration, "activities")
    assert 17 < len(activities) / len(leads) < 23
    assert set(activities["activity_type"]) == set(seed("scoring_activity_types")["activity_type"])
    web = activities["activity_type"].isin(["page_view", "pricing_page_view", "demo_request"])
    assert activities.loc[web, "url"].notna().all()
    assert activities.loc[activities["activity_type"] == "sales_call", "url"].isna().all()
    assert 0.3 < activities["campaign_id"].notna().mean() < 0.8

    campaigns = read(calibration, "campaigns")
    assert 40 <= len(campaigns) <= 60
    spend = read(calibration, "campaign_spend").merge(campaigns, on="campaign_id")
    spend["channel"] = channel_of(spend["lead_source"])
    per_lead = (
        spend.groupby("channel")["amount"].sum() / channel_of(leads["lead_source"]).value_counts()
    )
    assert per_lead["paid_search"] > 1.5 * per_lead["organic_content"]
    assert spend["campaign_id"].nunique() >= 0.9 * len(campaigns)


def test_funnel_is_calibrated_to_the_benchmarks(calibration: Path) -> None:
    leads, activities = read(calibration, "leads"), read(calibration, "activities")
    statuses = read(calibration, "lead_status_history")
    episodes = mql_episodes(leads, activities, statuses)
    expected = manifest_of(calibration)["expected_funnel"]
    assert len(episodes) == expected["mql_episodes"]
    assert episodes["lead_id"].nunique() == expected["mql_leads"]
    assert (episodes["epoch"] > 0).sum() == expected["re_mql_episodes"] > 0

    outcome = episode_outcomes(episodes, leads, statuses)
    bands = seed("channels", "reference").set_index("channel")
    rates = outcome.groupby("channel")["qualified"].agg(["mean", "sum", "size"])
    for channel, band in bands.iterrows():
        if channel == "other":
            continue
        low, high = float(band["mql_to_sql_low"]), float(band["mql_to_sql_high"])
        rate = rates.loc[channel, "mean"]
        assert low <= rate <= high, (channel, rate)
        aim = low + BAND_POSITION * (high - low)
        assert abs(rate - aim) < (high - low) / 4, (channel, rate)
        # Counted per lead (first MQL to any later SQL in an episode), still inside the band.
        per_lead = outcome[outcome["channel"] == channel].groupby("lead_id")["qualified"].max()
        assert low <= per_lead.mean() <= high, (channel, "per lead", per_lead.mean())
        assert rates.loc[channel, "sum"] == expected["by_channel"][channel]["sql"]

    worked = outcome[outcome["first_sales_at"].notna()]
    late = worked["response_hours"] > 48
    assert 0.25 < late.mean() < 0.35
    reduction = 1 - worked.loc[late, "qualified"].mean() / worked.loc[~late, "qualified"].mean()
    assert 0.30 < reduction < 0.50, reduction
    assert 0.58 < outcome["accepted"].mean() < 0.72

    # Definition drift: MQLs below the old threshold exist only under v2, and convert worse.
    low_score = outcome["lead_score"] < 70
    assert set(outcome.loc[low_score, "definition_version"]) == {"v2"}
    assert low_score.sum() > 100
    assert outcome.loc[low_score, "qualified"].mean() < outcome.loc[~low_score, "qualified"].mean()

    opportunities = read(calibration, "opportunities")
    from_leads = opportunities["lead_id"].notna().sum()
    assert 0.35 < from_leads / outcome["qualified"].sum() < 0.75
    closed = opportunities[opportunities["is_closed"]]
    assert 0.2 < closed["is_won"].mean() < 0.35


def test_skipped_stages_are_present(calibration: Path) -> None:
    """Some leads reach sales without an MQL: outbound worked directly, demos qualified."""
    leads, statuses = read(calibration, "leads"), read(calibration, "lead_status_history")
    episodes = mql_episodes(leads, read(calibration, "activities"), statuses)
    first_mql = episodes.groupby("lead_id")["mql_at"].min()
    sales = statuses[statuses["status"].isin(["Working", "Qualified"])]
    first_sales = sales.groupby("lead_id")["changed_at"].min()
    without = first_sales[~(first_mql.reindex(first_sales.index) < first_sales)]
    channel = channel_of(leads.set_index("lead_id")["lead_source"])
    assert (channel.reindex(without.index) == "outbound").sum() > 20
    qualified_first = (
        statuses.sort_values("changed_at")
        .groupby("lead_id")["status"]
        .agg(lambda s: list(s)[1] if len(s) > 1 else None)
    )
    assert (qualified_first == "Qualified").sum() > 5


# --- batches -------------------------------------------------------------------------------


def test_batches_split_the_same_data(small: Path, workdir: Path) -> None:
    root = workdir / "batched"
    generate(SMALL, SEED, root, batches=BATCHES)
    end_day = END.normalize()
    versioned = 0
    for name, contract in TABLES.items():
        files = sorted((root / name).iterdir())
        assert files and all(re.fullmatch(r"batch_\d{4}\.parquet", f.name) for f in files)
        parts = {int(f.stem[6:]): pq.read_table(f).to_pandas() for f in files}
        union = pd.concat(parts.values(), ignore_index=True)
        single = read(small, name)
        if "updated_at" in contract.column_names:
            versioned += union.duplicated(list(contract.key)).sum()
            union = union.sort_values("updated_at").drop_duplicates(list(contract.key), keep="last")
        key = list(contract.key)
        pd.testing.assert_frame_equal(
            union.sort_values(key).reset_index(drop=True),
            single.sort_values(key).reset_index(drop=True),
            check_dtype=False,
        )
        if name == "lead_status_history":
            for k, part in parts.items():
                day = part["changed_at"].dt.normalize()
                batch_day = end_day - pd.Timedelta(days=BATCHES - k)
                assert ((day == batch_day) if k > 1 else (day <= batch_day)).all()
    assert versioned > 0  # some leads or deals changed after the batch they were created in

    activities = {int(f.stem[6:]): pq.read_table(f).to_pandas() for f in
                  sorted((root / "activities").iterdir())}  # fmt: skip
    early = late = 0
    for k, part in activities.items():
        batch_day = end_day - pd.Timedelta(days=BATCHES - k)
        day = part["occurred_at"].dt.normalize()
        early += (day > batch_day).sum()
        late += (day < batch_day).sum() if k > 1 else 0
    assert early == 0 and late > 0


def test_parts_bound_memory_and_keep_ids_distinct(small: Path, workdir: Path) -> None:
    """A run made in parts (as the 10M-lead benchmark is) is one landing zone: distinct ids,
    every reference resolves within it, the manifest adds the parts up, and the campaigns
    are one shared plan whose spend sums the parts'."""
    root = workdir / "parts"
    manifest = generate(SMALL + 500, SEED, root, batches=3, part_size=1_000)
    assert manifest["parts"] == 4
    tables = {}
    for name in TABLES:
        files = sorted(p.name for p in (root / name).iterdir())
        shared = name in ("campaigns", "campaign_spend")
        pattern = r"batch_\d{4}\.parquet" if shared else r"batch_\d{4}\.part_\d{4}\.parquet"
        assert files and all(re.fullmatch(pattern, f) for f in files), (name, files)
        tables[name] = pd.concat(
            [pq.read_table(root / name / f).to_pandas() for f in files], ignore_index=True
        )
        assert len(tables[name]) == manifest["rows"][name]
    leads, activities, opportunities = (
        tables["leads"],
        tables["activities"],
        tables["opportunities"],
    )
    final_leads = leads.sort_values("updated_at").drop_duplicates("lead_id", keep="last")
    assert len(final_leads) == SMALL + 500
    assert activities["activity_id"].is_unique
    assert tables["accounts"]["account_id"].is_unique
    lead_ids = set(leads["lead_id"])
    assert set(activities["lead_id"]) <= lead_ids
    assert set(tables["lead_status_history"]["lead_id"]) <= lead_ids
    assert set(leads["merged_into_lead_id"].dropna()) <= lead_ids
    assert set(opportunities["lead_id"].dropna()) <= lead_ids
    assert set(leads["account_id"].dropna()) <= set(tables["accounts"]["account_id"])
    assert set(activities["campaign_id"].dropna()) <= set(tables["campaigns"]["campaign_id"])
    for column, pattern in ID_PATTERNS.items():
        for table in tables.values():
            if column in table.columns:
                assert table[column].dropna().str.fullmatch(pattern).all(), column
    # Every part counts its ids on from the previous one: each kind is numbered 1..n.
    for column, table in (
        ("lead_id", final_leads),
        ("activity_id", activities),
        ("opportunity_id", opportunities),
        ("account_id", tables["accounts"]),
    ):
        numbers = sorted({int(i.lstrip("LAOC")) for i in table[column]})
        assert numbers == list(range(1, len(numbers) + 1)), column
    funnel = manifest["expected_funnel"]
    assert funnel["mql_episodes"] == sum(c["mql_episodes"] for c in funnel["by_channel"].values())
    # The spend of one part alone (the small run's campaigns have other flights) is far below
    # the four parts' together: spend follows the leads.
    one_part = generate(1_000, SEED, workdir / "one_part", batches=3)
    assert (
        tables["campaign_spend"]["amount"].sum()
        > 3
        * pq.read_table(workdir / "one_part" / "campaign_spend").to_pandas()["amount"].sum()
        * 0.8
    )
    assert one_part["parts"] == 1
    with pytest.raises(ValueError, match="single-part"):
        generate(SMALL, SEED, workdir / "bad_parts", dirty=True, part_size=1_000)
    with pytest.raises(ValueError, match="part_size"):
        generate(SMALL, SEED, workdir / "bad_parts", part_size=0)


# --- dirty data ----------------------------------------------------------------------------


def test_dirty_run_only_adds_files(small: Path, dirty: Path) -> None:
    clean, with_bad = digests(small), digests(dirty)
    added = set(with_bad) - set(clean)
    tables = {entry["table"] for entry in manifest_of(dirty)["dirty_rows"].values()}
    assert added == {f"{table}/dirty_0001.csv" for table in tables}
    assert all(with_bad[path] == digest for path, digest in clean.items() if path != MANIFEST_NAME)


def test_dirty_manifest_lists_every_kind(dirty: Path) -> None:
    kinds = manifest_of(dirty)["dirty_rows"]
    assert set(kinds) == {
        "null_lead_id", "duplicate_lead_id", "unparseable_employee_count",
        "unparseable_created_at", "malformed_line_too_few_fields", "null_activity_id",
        "duplicate_activity_id", "unknown_activity_type", "future_timestamp",
        "activity_before_lead", "malformed_line_too_many_fields", "null_opportunity_id",
        "negative_opportunity_amount", "orphan_opportunity", "won_without_amount",
        "unparseable_amount", "stage_regression", "negative_spend_amount",
    }  # fmt: skip
    lines: dict[str, list[int]] = {}
    for entry in kinds.values():
        assert entry["count"] == len(entry["rows"]) == len(entry["keys"]) >= 1
        for row in entry["rows"]:
            assert row["file"] == f"{entry['table']}/dirty_0001.csv"
            lines.setdefault(row["file"], []).append(row["line"])
    for file, claimed in lines.items():
        data_lines = (dirty / file).read_text().count("\n") - 1
        assert sorted(claimed) == list(range(2, data_lines + 2)), file  # each line, once
    rows = manifest_of(dirty)["rows"]
    for table in ("leads", "activities"):
        bad = sum(e["count"] for e in kinds.values() if e["table"] == table)
        assert bad / rows[table] < 0.01


def test_each_dirty_row_is_really_bad(small: Path, dirty: Path) -> None:
    clean = {name: read(small, name) for name in TABLES}
    for kind, entry in manifest_of(dirty)["dirty_rows"].items():
        header = TABLES[entry["table"]].column_names
        with (dirty / entry["rows"][0]["file"]).open(newline="") as handle:
            lines = list(csv.reader(handle))
        for row in entry["rows"]:
            fields = lines[row["line"] - 1]
            if kind.startswith("malformed_line"):
                too_few = kind.endswith("too_few_fields")
                assert len(fields) < len(header) if too_few else len(fields) > len(header)
                continue
            assert len(fields) == len(header), kind
            record = dict(zip(header, fields, strict=True))
            assert is_bad_as_claimed(kind, record, clean), (kind, row)
            assert [record[c] for c in TABLES[entry["table"]].key] in entry["keys"], kind


def is_bad_as_claimed(kind: str, r: dict[str, str], clean: dict[str, pd.DataFrame]) -> bool:
    """Whether a dirty row is bad the way its kind says, judged against the clean data."""
    leads = clean["leads"].set_index("lead_id")
    if kind in ("null_lead_id", "null_activity_id", "null_opportunity_id"):
        return r[kind.removeprefix("null_")] == ""
    if kind == "duplicate_lead_id":
        original = leads.loc[r["lead_id"]]
        same_version = pd.Timestamp(r["updated_at"]) == original["updated_at"]
        return same_version and r["job_title"] != original["job_title"]
    if kind == "duplicate_activity_id":
        original = clean["activities"].set_index("activity_id").loc[r["activity_id"]]
        return r["activity_type"] != original["activity_type"]
    if kind == "unparseable_employee_count":
        return not re.fullmatch(r"[+-]?\d+", r["employee_count"])
    if kind == "unparseable_created_at":
        return not TIMESTAMP_TEXT.fullmatch(r["created_at"])
    if kind == "unparseable_amount":
        return not re.fullmatch(r"[+-]?\d+(\.\d+)?", r["amount"])
    if kind == "unknown_activity_type":
        return r["activity_type"] not in set(seed("scoring_activity_types")["activity_type"])
    if kind == "future_timestamp":
        return pd.Timestamp(r["occurred_at"]) > END + pd.Timedelta(days=365)
    if kind == "activity_before_lead":
        return pd.Timestamp(r["occurred_at"]) < leads.loc[r["lead_id"], "created_at"]
    if kind in ("negative_opportunity_amount", "negative_spend_amount"):
        if kind == "negative_spend_amount":
            spend = clean["campaign_spend"]
            same_key = (spend["campaign_id"] == r["campaign_id"]) & (
                spend["spend_date"].astype(str) == r["spend_date"]
            )
            assert not same_key.any()  # a new key: bad only by its amount
        return float(r["amount"]) < 0
    if kind == "orphan_opportunity":
        return r["lead_id"] != "" and r["lead_id"] not in leads.index
    if kind == "won_without_amount":
        return r["is_won"] == "true" and r["amount"] == ""
    if kind == "stage_regression":
        stages = clean["opportunity_stage_history"]
        added = pd.DataFrame([{**r, "changed_at": pd.Timestamp(r["changed_at"])}])
        with_row = _stage_regressions(pd.concat([stages, added], ignore_index=True))
        return r["opportunity_id"] in with_row - _stage_regressions(stages)
    raise AssertionError(f"no check for kind {kind}")


# --- the generator's copies of the seeds ---------------------------------------------------


def test_scoring_mirror_matches_the_seeds() -> None:
    types = seed("scoring_activity_types")
    assert [
        (r.activity_type, r.category, float(r.points), r.is_high_intent == "true",
         r.is_sales_touch == "true") for r in types.itertuples()
    ] == [(a, c, float(p), h, s) for a, c, p, h, s in cfg.ACTIVITY_TYPES]  # fmt: skip
    categories = seed("scoring_categories")
    assert [(r.category, float(r.min_total), float(r.max_total)) for r in categories.itertuples()
            ] == [(c, float(lo), float(hi)) for c, lo, hi in cfg.CATEGORIES]  # fmt: skip
    parameters = dict(seed("scoring_parameters")[["parameter", "value"]].to_numpy())
    assert float(parameters["half_life_days"]) == cfg.HALF_LIFE_DAYS
    assert float(parameters["fit_weight"]) == cfg.FIT_WEIGHT
    assert float(parameters["engagement_weight"]) == cfg.ENGAGEMENT_WEIGHT
    definitions = seed("mql_definitions")
    assert [
        (
            r.definition_version,
            r.effective_from,
            r.effective_to or None,
            float(r.score_threshold),
            float(r.min_fit_score),
            float(r.high_intent_window_days),
        )
        for r in definitions.itertuples()
    ] == [(v, f, t, float(s), float(m), float(w)) for v, f, t, s, m, w in cfg.MQL_DEFINITIONS]
    rules = seed("fit_rules")
    assert [
        (r.rule_id, r.attribute, r.operator, tuple(v for v in r.match_values.split("|") if v),
         float(r.range_min) if r.range_min else None,
         float(r.range_max) if r.range_max else None, float(r.points))
        for r in rules.itertuples()
    ] == [(i, a, o, v, lo, hi, float(p)) for i, a, o, v, lo, hi, p in cfg.FIT_RULES]  # fmt: skip


def test_reference_mirror_matches_the_seeds() -> None:
    channels = seed("channels", "reference")
    assert [(r.channel, float(r.mql_to_sql_low), float(r.mql_to_sql_high))
            for r in channels.itertuples()] == list(cfg.CHANNELS)  # fmt: skip
    mapping = seed("channel_mapping", "reference")
    mapped = dict(zip(mapping["lead_source"], mapping["channel"], strict=True))
    for channel, spellings in cfg.LEAD_SOURCES.items():
        for spelling, _share in spellings:
            assert mapped.get(spelling.lower(), "other") == channel, spelling
    assert {c for c in mapped.values()} == {c for c in cfg.LEAD_SOURCES if c != "other"}
    domains = seed("email_domains", "reference")
    kinds = dict(zip(domains["email_domain"], domains["domain_type"], strict=True))
    assert {d for d, _ in cfg.PERSONAL_DOMAINS} == {d for d, k in kinds.items() if k == "personal"}
    assert {d for d, _ in cfg.COMPETITOR_DOMAINS} == {
        d for d, k in kinds.items() if k == "competitor"
    }


def test_job_titles_map_as_the_title_rules_say() -> None:
    for title, seniority, persona, _weight in cfg.JOB_TITLES:
        assert classify_title(title, SENIORITY_RULES, "individual") == seniority, title
        assert classify_title(title, PERSONA_RULES, "other") == persona, title
    # The port in generator_checks must stay the macro's rules: every pattern is in the macro.
    macro = (PROJECT_DIR / "macros" / "job_title.sql").read_text()
    for _label, patterns in SENIORITY_RULES + PERSONA_RULES:
        for pattern in patterns:
            for text in pattern if isinstance(pattern, tuple) else (pattern,):
                assert f"'%{text}%'" in macro, text


def test_an_existing_landing_zone_is_not_overwritten(small: Path) -> None:
    before = digests(small)
    with pytest.raises(FileExistsError):
        generate(SMALL, SEED + 5, small)
    assert digests(small) == before


def test_arguments_are_checked(workdir: Path) -> None:
    with pytest.raises(ValueError, match="file_format"):
        generate(10, 1, workdir / "bad", file_format="json")
    with pytest.raises(ValueError, match="batches"):
        generate(10, 1, workdir / "bad", batches=0)
    with pytest.raises(ValueError, match="n_leads"):
        generate(0, 1, workdir / "bad")


def test_cli_generates_in_parts(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.cli import main

    out = workdir / "cli_parts"
    assert main(["generate", "--leads", "2500", "--out", str(out), "--part-size", "1000"]) == 0
    assert manifest_of(out)["parts"] == 3
    assert (out / "leads" / "batch_0001.part_0002.parquet").is_file()
    assert "2,500 leads" in capsys.readouterr().out
    # A bad combination is one clear line on stderr and exit status 1, not a traceback.
    bad = workdir / "cli_parts_dirty"
    assert main(["generate", "--leads", "2500", "--out", str(bad), "--part-size", "1000",
                 "--dirty"]) == 1  # fmt: skip
    assert "single-part" in capsys.readouterr().err


def test_cli_run_generates_demo_data_when_the_landing_zone_is_empty(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`funnel run` (what `make run` calls) generates with every default of `generate`; the
    build and the report are left out here (tests/runner/test_pipeline.py runs them)."""
    from orchestration import cli

    landing = workdir / "cli_run_landing"
    monkeypatch.setenv("FUNNEL_LANDING_DIR", str(landing))
    built = []
    monkeypatch.setattr(cli, "cmd_build", lambda args: built.append(args.full_refresh) or 0)
    monkeypatch.setattr(cli, "cmd_report", lambda args: 0)
    assert cli.main(["run", "--leads", "400"]) == 0
    assert manifest_of(landing)["n_leads"] == 400
    assert built == [False]
