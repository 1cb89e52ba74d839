"""Tests of the vendor shapes of the demo data (`funnel generate --shape`, generator/shapes.py).

Each shape's files are read back and held against the landing shape's world of the same seed:
the right folders with the systems.py columns, ids in the vendor's format carrying the landing
id's number, every landing row represented exactly once, the seed vocabularies' default
spellings mapping back to the landing values (matched here the way docs/sources.md says the
warehouse matches them, not through the generator's code), batches split alike, and the dirty
cases recorded. The landing shape itself is pinned to digests recorded before the shapes
existed (landing_digests.py).
"""

from __future__ import annotations

import csv
import functools
import json
import re
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT_DIR
from landing_digests import CASES, RECORD, content_digest, digests

from orchestration.generator import MANIFEST_NAME, generate
from orchestration.generator.vocabulary import Vocabulary
from orchestration.ingestion.contract import TABLES
from orchestration.ingestion.systems import SYSTEMS

SMALL, SEED, BATCHES = 300, 11, 5
VENDOR_SHAPES = ("salesforce", "marketo", "salesforce+marketo")
SF_TABLES = {f"salesforce/{t}" for t in SYSTEMS["salesforce"].tables}
MK_TABLES = {f"marketo/{t}" for t in SYSTEMS["marketo"].tables}
# Marketo activities about the person itself, not landing activities (marketo-only shape).
PERSON_ACTIVITIES = {"activity_merge_leads", "activity_delete_lead"}
FOLDERS = {
    "salesforce": SF_TABLES | {"activities", "campaign_spend"},
    "marketo": MK_TABLES
    | {
        "accounts",
        "lead_status_history",
        "opportunities",
        "opportunity_stage_history",
        "activities",
        "campaign_spend",
    },
    "salesforce+marketo": (SF_TABLES - {"salesforce/campaign"})
    | (MK_TABLES - {f"marketo/{t}" for t in PERSON_ACTIVITIES})
    | {"campaign_spend"},
}
SALES_TOUCHES = {"sales_call", "sales_email", "email_reply", "meeting_held"}
ARROW = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}
SF_ID = {
    "lead": "00Q",
    "account": "001",
    "opportunity": "006",
    "contact": "003",
    "campaign": "701",
    "task": "00T",
    "event": "00U",
    "opportunity_contact_role": "00K",
    "opportunity_history": "008",
    "lead_history": "017",
}
# Salesforce id columns: table -> {column: kind of record}
SF_ID_COLUMNS = {
    "lead": {
        "id": "lead",
        "master_record_id": "lead",
        "converted_account_id": "account",
        "converted_contact_id": "contact",
        "converted_opportunity_id": "opportunity",
    },
    "lead_history": {"id": "lead_history", "lead_id": "lead"},
    "account": {"id": "account"},
    "opportunity": {"id": "opportunity", "account_id": "account"},
    "opportunity_contact_role": {
        "id": "opportunity_contact_role",
        "opportunity_id": "opportunity",
        "contact_id": "contact",
    },
    "opportunity_history": {"id": "opportunity_history", "opportunity_id": "opportunity"},
    "campaign": {"id": "campaign"},
    "task": {"id": "task", "who_id": "lead"},
    "event": {"id": "event", "who_id": "lead"},
}
TIMESTAMP_TEXT = {
    "salesforce": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000"),
    "marketo": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"),
    "landing": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
}
# The column whose text the warehouse matches detail_contains to (docs/sources.md).
DETAIL = {
    "activity_visit_webpage": "webpage_url",
    "activity_fill_out_form": "primary_attribute_value",
    "activity_change_status_in_progression": "new_status",
    "task": "subject",
}
COUNTRY_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "CA": "Canada",
    "DE": "Germany",
    "FR": "France",
    "NL": "Netherlands",
    "SE": "Sweden",
    "DK": "Denmark",
    "IE": "Ireland",
    "AU": "Australia",
    "NZ": "New Zealand",
    "IN": "India",
    "BR": "Brazil",
    "MX": "Mexico",
    "ES": "Spain",
    "IT": "Italy",
    "SG": "Singapore",
    "JP": "Japan",
}


# --- reading ---------------------------------------------------------------------------------


def folders(root: Path) -> set[str]:
    return {
        str(p.parent.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".parquet", ".csv")
    }


def data_files(root: Path, name: str, dirty: bool = False) -> list[Path]:
    files = sorted(p for p in (root / name).iterdir() if p.suffix in (".parquet", ".csv"))
    return [p for p in files if dirty or not p.name.startswith("dirty_")]


def read(root: Path, name: str, with_batch: bool = False) -> pd.DataFrame:
    """A table's clean rows (every batch), typed from Parquet or as text from CSV."""
    parts = []
    for path in data_files(root, name):
        if path.suffix == ".parquet":  # integers stay integers where some are null
            frame = pq.read_table(path).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if with_batch:
            frame["_batch"] = int(path.name[6:10])
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def manifest_of(root: Path) -> dict:
    return json.loads((root / MANIFEST_NAME).read_text())


def num(value: str | None) -> int:
    """The number of any id: landing 'L0000123', Salesforce '00Q000000000123', Marketo 123,
    'marketo:123', 'merge-123', 'delete-123'."""
    text = str(value)
    if len(text) == 15 and text[:3] in SF_ID.values():
        return int(text[3:])
    return int(re.sub(r"^(marketo:|merge-|delete-|[A-Z]+)", "", text))


def nums(series: pd.Series) -> pd.Series:
    """num() of every value; 0 for null."""

    def one(value: object) -> int:
        if (
            value is None
            or value is pd.NA
            or value == ""
            or (isinstance(value, float) and np.isnan(value))
        ):
            return 0
        return int(value) if isinstance(value, (int, float, np.number)) else num(str(value))

    return series.map(one).astype(np.int64)


# --- the documented vocabulary matching, independent of the generator ------------------------

VOCABULARY = PROJECT_DIR / "seeds" / "vocabulary"


def vkey(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


@functools.cache
def vocabulary_seed(name: str) -> pd.DataFrame:
    return pd.read_csv(VOCABULARY / f"{name}.csv", dtype=str, keep_default_na=False)


@functools.cache
def map_value(name: str, column: str, system: str, value: str) -> str | None:
    seed = vocabulary_seed(name)
    rows = seed[seed["vendor_value"].map(vkey) == vkey(value)]
    for source in (system, ""):
        mine = rows[rows["source_system"] == source]
        if len(mine):
            return mine.iloc[0][column]
    return None


@functools.cache
def default_spelling(name: str, column: str, system: str, value: str) -> str:
    seed = vocabulary_seed(name)
    return seed[(seed["source_system"] == system) & (seed[column] == value)].iloc[0]["vendor_value"]


@functools.cache
def map_activity(system: str, vendor_type: str, detail: str | None) -> str | None:
    seed = vocabulary_seed("activity_type_vocabulary")
    seed = seed.assign(position=range(len(seed)))
    rows = seed[
        seed["source_system"].isin([system, ""])
        & (seed["vendor_type"].map(vkey) == vkey(vendor_type))
    ]
    text = (detail or "").lower()
    rows = rows[[c.lower() in text for c in rows["detail_contains"]]]
    if rows.empty:
        return None
    rows = rows.assign(
        p=rows["priority"].astype(float), own=(rows["source_system"] != system).astype(int)
    )
    return rows.sort_values(["p", "own", "position"]).iloc[0]["activity_type"]


def marketo_vendor_type(table: str) -> str:
    seed = vocabulary_seed("activity_type_vocabulary")
    types = {vkey(t): t for t in seed["vendor_type"]}
    return types[vkey(table.removeprefix("activity_"))]


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shapes")


@pytest.fixture(scope="module")
def world(workdir: Path) -> dict[str, pd.DataFrame]:
    """The landing shape's world: what every vendor shape must carry."""
    root = workdir / "landing"
    generate(SMALL, SEED, root)
    return {name: read(root, name) for name in TABLES}


@pytest.fixture(scope="module")
def shaped(workdir: Path) -> dict[str, Path]:
    roots = {}
    for shape in VENDOR_SHAPES:
        roots[shape] = workdir / shape.replace("+", "_")
        generate(SMALL, SEED, roots[shape], shape=shape)
    return roots


@pytest.fixture(scope="module")
def shaped_csv(workdir: Path) -> dict[str, Path]:
    roots = {}
    for shape in VENDOR_SHAPES:
        roots[shape] = workdir / f"{shape.replace('+', '_')}_csv"
        generate(SMALL, SEED, roots[shape], shape=shape, file_format="csv")
    return roots


# --- the landing shape is unchanged ----------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_landing_shape_is_unchanged_byte_for_byte(case: str, workdir: Path) -> None:
    record = json.loads(RECORD.read_text())
    leads, seed, kwargs = CASES[case]
    root = workdir / f"digest_{case}"
    manifest = generate(leads, seed, root, **kwargs)
    assert manifest["shape"] == "landing"
    now, before = digests(root), record["cases"][case]
    assert now.keys() == before.keys()
    same_writer = record["pyarrow"] == pa.__version__
    for path, digest in before.items():
        assert now[path]["content" if "content" in digest else "bytes"] == digest.get(
            "content", digest.get("bytes")
        ), path
        if "bytes" in digest and (same_writer or not path.endswith(".parquet")):
            assert now[path]["bytes"] == digest["bytes"], path


def test_explicit_landing_shape_is_the_default(workdir: Path) -> None:
    a, b = workdir / "default_shape", workdir / "explicit_shape"
    generate(300, 7, a)
    generate(300, 7, b, shape="landing")
    assert digests(a) == digests(b)
    assert folders(a) == set(TABLES)


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_same_seed_gives_the_same_bytes(shape: str, shaped: dict[str, Path], workdir: Path) -> None:
    again = workdir / f"again_{shape.replace('+', '_')}"
    generate(SMALL, SEED, again, shape=shape)
    assert digests(again) == digests(shaped[shape])


def test_content_digest_sees_values() -> None:
    one = pa.table({"a": [1, 2]})
    assert content_digest(one) != content_digest(pa.table({"a": [1, 3]}))


# --- where the files are, with which columns -------------------------------------------------


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_files_are_where_the_spec_says(shape: str, shaped: dict[str, Path]) -> None:
    root = shaped[shape]
    assert folders(root) == FOLDERS[shape]
    manifest = manifest_of(root)
    assert manifest["shape"] == shape
    for name in FOLDERS[shape]:
        files = data_files(root, name)
        assert [f.name for f in files] == ["batch_0001.parquet"], name
        schema = pq.read_schema(files[0])
        data = pq.read_table(files[0])
        if "/" in name:
            system, table = name.split("/")
            spec = SYSTEMS[system].tables[table]
            assert manifest["system_rows"][system][table] == data.num_rows
        else:
            spec = TABLES[name]
            assert manifest["rows"][name] == data.num_rows
        assert schema.names == spec.column_names, name
        assert [schema.field(c.name).type for c in spec.columns] == [
            ARROW[c.type] for c in spec.columns
        ], name
        assert manifest["files"][f"{name}/batch_0001.parquet"] == data.num_rows
        for column in spec.columns:
            if not column.nullable:
                assert data.column(column.name).null_count == 0, (name, column.name)
    assert set(manifest["system_rows"]) == set(shape.split("+"))


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_csv_writes_the_vendors_timestamps(shape: str, shaped_csv: dict[str, Path]) -> None:
    root = shaped_csv[shape]
    assert folders(root) == FOLDERS[shape]
    for name in FOLDERS[shape]:
        system, table = name.split("/") if "/" in name else ("landing", name)
        spec = SYSTEMS[system].tables[table] if system != "landing" else TABLES[name]
        with data_files(root, name)[0].open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == spec.column_names, name
        text = pd.DataFrame(rows[1:], columns=rows[0])
        for column in spec.columns:
            values = text[column.name][text[column.name] != ""]
            if column.type == "TIMESTAMP":
                assert len(values) and values.str.fullmatch(TIMESTAMP_TEXT[system]).all(), (
                    name,
                    column.name,
                )
            elif column.type == "DATE":
                assert values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), (name, column.name)
            elif column.type == "BOOLEAN":
                assert set(values) <= {"true", "false"}, (name, column.name)
            elif column.type == "BIGINT":
                assert values.str.fullmatch(r"-?\d+").all(), (name, column.name)


def test_csv_and_parquet_hold_the_same_vendor_rows(
    shaped: dict[str, Path], shaped_csv: dict[str, Path]
) -> None:
    for shape in VENDOR_SHAPES:
        for name in FOLDERS[shape]:
            typed, text = read(shaped[shape], name), read(shaped_csv[shape], name)
            assert len(typed) == len(text), name
            for column in ("id", "activity_id", "lead_id", "opportunity_id", "campaign_id"):
                if column in typed.columns:
                    assert (nums(typed[column]) == nums(text[column])).all(), (name, column)
                    assert (typed[column].isna() == (text[column] == "")).all(), (name, column)
            for column in typed.columns:
                if pd.api.types.is_datetime64_any_dtype(typed[column]):
                    parsed = pd.to_datetime(text[column].replace("", None), utc=True)
                    expected = typed[column].dt.tz_localize("UTC")
                    same = (parsed == expected) | (parsed.isna() & expected.isna())
                    assert same.all(), (name, column)


# --- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_ids_follow_the_vendor_formats(shape: str, shaped: dict[str, Path]) -> None:
    root = shaped[shape]
    for name in FOLDERS[shape]:
        data = read(root, name)
        if name.startswith("salesforce/"):
            for column, kind in SF_ID_COLUMNS[name.split("/")[1]].items():
                values = data[column].dropna()
                assert values.str.fullmatch(SF_ID[kind] + r"\d{12}").all(), (name, column)
                assert values.str.len().eq(15).all() and (column != "id" or len(values))
        elif name.startswith("marketo/"):
            for column in ("lead_id", "campaign_id", "program_id"):
                if column in data.columns:
                    assert pd.api.types.is_integer_dtype(data[column].dropna()), (name, column)
            table = name.split("/")[1]
            if table.startswith("activity_") and table not in PERSON_ACTIVITIES:
                assert data["id"].str.fullmatch(r"\d+").all(), name
            elif table == "activity_merge_leads":
                assert data["id"].str.fullmatch(r"merge-\d+").all()
                assert data["merge_ids"].str.fullmatch(r"\d+").all()
            elif table == "activity_delete_lead":
                assert data["id"].str.fullmatch(r"delete-\d+").all()
            else:
                assert pd.api.types.is_integer_dtype(data["id"]), name
            if table == "lead":  # the account as the warehouse names it in this shape
                pattern = r"001\d{12}" if "salesforce" in shape else r"ACC\d{5}"
                accounts = data["sfdc_account_id"].dropna()
                assert len(accounts) and accounts.str.fullmatch(pattern).all()
    # Landing rows reference vendor records by the id the warehouse gives them.
    lead_pattern = r"00Q\d{12}" if "salesforce" in shape else r"marketo:\d+"
    campaign_pattern = r"701\d{12}" if shape == "salesforce" else r"\d+"
    for name in FOLDERS[shape] & set(TABLES):
        data = read(root, name)
        if "lead_id" in data.columns:
            assert data["lead_id"].dropna().str.fullmatch(lead_pattern).all(), name
        if "campaign_id" in data.columns:
            assert data["campaign_id"].dropna().str.fullmatch(campaign_pattern).all(), name
        if "account_id" in data.columns:
            assert data["account_id"].dropna().str.fullmatch(r"ACC\d{5}").all(), name


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_ids_carry_the_landing_numbers(
    shape: str, shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    root = shaped[shape]
    lead_numbers = set(nums(world["leads"]["lead_id"]))
    for system in shape.split("+"):
        assert set(nums(read(root, f"{system}/lead")["id"])) == lead_numbers
    if "salesforce" in shape:
        accounts = read(root, "salesforce/account")
        assert set(nums(accounts["id"])) == set(nums(world["accounts"]["account_id"]))
        opportunities = read(root, "salesforce/opportunity")
        assert set(nums(opportunities["id"])) == set(nums(world["opportunities"]["opportunity_id"]))
    campaigns = set(nums(world["campaigns"]["campaign_id"]))
    program = "salesforce/campaign" if shape == "salesforce" else "marketo/program"
    assert set(nums(read(root, program)["id"])) == campaigns
    spend = read(root, "campaign_spend")
    assert set(nums(spend["campaign_id"])) <= campaigns
    assert (nums(spend["campaign_id"]) == nums(world["campaign_spend"]["campaign_id"])).all()


# --- every landing row exactly once ----------------------------------------------------------


def activity_rows(root: Path, shape: str) -> pd.DataFrame:
    """Every activity of a shape as (number, lead number, mapped activity type, occurred_at,
    campaign number, url, table), the type found through the documented vocabulary match."""
    parts = []
    for name in sorted(FOLDERS[shape]):
        if name == "activities":
            data = read(root, name)
            parts.append(
                pd.DataFrame(
                    {
                        "number": nums(data["activity_id"]),
                        "lead": nums(data["lead_id"]),
                        "activity_type": data["activity_type"],
                        "t": data["occurred_at"],
                        "campaign": nums(data["campaign_id"]),
                        "url": data["url"],
                        "table": name,
                        "vendor_type": None,
                    }
                )
            )
            continue
        if "/" not in name:
            continue
        system, table = name.split("/")
        if table not in ("task", "event") and not (
            table.startswith("activity_") and table not in PERSON_ACTIVITIES
        ):
            continue
        data = read(root, name)
        if system == "salesforce":
            types = [
                map_activity(system, vendor_type, detail if table == "task" else None)
                for vendor_type, detail in zip(data["type"], data["subject"], strict=True)
            ]
            t = data["created_date" if table == "task" else "start_date_time"]
            campaign = nums(data["what_id"]) if table == "task" else 0
            lead, url, written = nums(data["who_id"]), None, data["type"]
        else:
            vendor_type = marketo_vendor_type(table)
            details = data[DETAIL[table]] if table in DETAIL else [None] * len(data)
            types = [map_activity(system, vendor_type, d) for d in details]
            t, lead, written = data["activity_date"], data["lead_id"], vendor_type
            campaign = data["campaign_id"].fillna(0).astype(int)
            url = next(
                (data[c] for c in ("webpage_url", "referrer_url", "link") if c in data), None
            )
        parts.append(
            pd.DataFrame(
                {
                    "number": nums(data["id"]),
                    "lead": lead,
                    "activity_type": types,
                    "t": t,
                    "campaign": campaign,
                    "url": url,
                    "table": name,
                    "vendor_type": written,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_every_landing_row_is_represented_exactly_once(
    shape: str, shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    root = shaped[shape]
    rows = {name: len(read(root, name)) for name in FOLDERS[shape]}
    crm = "salesforce" in shape
    counts = {
        "leads": [rows[f"{s}/lead"] for s in shape.split("+")],
        "lead_status_history": rows["salesforce/lead_history" if crm else "lead_status_history"],
        "accounts": rows["salesforce/account" if crm else "accounts"],
        "opportunities": rows["salesforce/opportunity" if crm else "opportunities"],
        "opportunity_stage_history": rows[
            "salesforce/opportunity_history" if crm else "opportunity_stage_history"
        ],
        "campaigns": rows["salesforce/campaign" if shape == "salesforce" else "marketo/program"],
        "campaign_spend": rows["campaign_spend"],
    }
    for name, count in counts.items():
        for c in count if isinstance(count, list) else [count]:
            assert c == len(world[name]), name
    if "marketo" in shape:
        assert rows["marketo/campaign"] == len(world["campaigns"])
    if crm:  # one contact role per deal with a lead
        assert (
            rows["salesforce/opportunity_contact_role"]
            == world["opportunities"]["lead_id"].notna().sum()
        )
    else:  # one Merge Leads activity per merged lead, one Delete Lead per deleted lead
        assert rows["marketo/activity_merge_leads"] == (
            world["leads"]["merged_into_lead_id"].notna().sum()
        )
        assert rows["marketo/activity_delete_lead"] == world["leads"]["is_deleted"].sum() > 0

    activities = activity_rows(root, shape)
    landing = world["activities"]
    assert len(activities) == len(landing)
    assert activities["number"].is_unique
    assert set(activities["number"]) == set(nums(landing["activity_id"]))
    # The same activity: type (mapped back through the seed), lead, moment, campaign, page.
    merged = activities.merge(
        landing.assign(number=nums(landing["activity_id"])), on="number", suffixes=("", "_l")
    )
    assert (merged["activity_type"] == merged["activity_type_l"]).all()
    assert (merged["lead"] == nums(merged["lead_id"])).all()
    assert (pd.to_datetime(merged["t"]) == merged["occurred_at"]).all()
    # Campaigns wherever the table has a place for them (a Salesforce event has none).
    carried = merged["table"] != "salesforce/event"
    assert (merged.loc[carried, "campaign"] == nums(merged.loc[carried, "campaign_id"])).all()
    with_url = merged["url"].notna() & (
        merged["table"] != "marketo/activity_change_status_in_progression"
    )
    assert (merged.loc[with_url, "url"] == merged.loc[with_url, "url_l"]).all()
    # Sales touches in Salesforce when it is read, marketing activities in Marketo when it is.
    sales = merged["activity_type"].isin(SALES_TOUCHES)
    expected_sales = ("salesforce/task", "salesforce/event") if crm else ("activities",)
    assert merged.loc[sales, "table"].isin(expected_sales).all()
    marketing = "marketo/" if "marketo" in shape else "activities"
    assert merged.loc[~sales, "table"].str.startswith(marketing).all()


# --- the vocabularies round-trip -------------------------------------------------------------


@pytest.mark.parametrize("shape", ["salesforce", "salesforce+marketo"])
def test_salesforce_statuses_and_stages_round_trip(
    shape: str, shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    root = shaped[shape]
    lsv, osv = "lead_status_vocabulary", "opportunity_stage_vocabulary"
    history = read(root, "salesforce/lead_history")
    assert (history["field"] == "Status").all()
    landing = world["lead_status_history"]
    assert (nums(history["lead_id"]) == nums(landing["lead_id"])).all()
    assert (history["created_date"] == landing["changed_at"]).all()
    assert (history["created_by_id"].fillna("") == landing["changed_by"].fillna("")).all()
    for written, status in zip(history["new_value"], landing["status"], strict=True):
        assert map_value(lsv, "status", "salesforce", written) == status.lower()
        assert written == default_spelling(lsv, "status", "salesforce", status.lower())
    # old_value: the lead's previous status, in Salesforce's spelling.
    ordered = history.assign(n=nums(history["lead_id"])).sort_values(["n", "created_date"])
    previous = ordered.groupby("n")["new_value"].shift(1)
    assert (previous.fillna("") == ordered["old_value"].fillna("")).all()

    leads = read(root, "salesforce/lead").assign(n=lambda f: nums(f["id"])).set_index("n")
    last = landing.assign(n=nums(landing["lead_id"])).sort_values("changed_at").groupby("n").last()
    for n, status in last["status"].items():
        assert map_value(lsv, "status", "salesforce", leads.loc[n, "status"]) == status.lower()

    opportunities = read(root, "salesforce/opportunity")
    for written, stage in zip(
        opportunities["stage_name"], world["opportunities"]["stage_name"], strict=True
    ):
        assert map_value(osv, "stage_name", "salesforce", written) == stage
        assert written == default_spelling(osv, "stage_name", "salesforce", stage)
    stages = read(root, "salesforce/opportunity_history")
    landing_stages = world["opportunity_stage_history"]
    assert (nums(stages["opportunity_id"]) == nums(landing_stages["opportunity_id"])).all()
    assert (stages["created_date"] == landing_stages["changed_at"]).all()
    for written, stage in zip(stages["stage_name"], landing_stages["stage_name"], strict=True):
        assert map_value(osv, "stage_name", "salesforce", written) == stage
    assert map_value(osv, "stage_name", "salesforce", "Prospecting") == "Discovery"


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_activity_spellings_are_the_default_ones(shape: str, shaped: dict[str, Path]) -> None:
    """Each written vendor type is the first seed row of its activity type for the system."""
    seed = vocabulary_seed("activity_type_vocabulary")
    activities = activity_rows(shaped[shape], shape)
    for (table, activity_type), rows in activities.groupby(["table", "activity_type"]):
        if table == "activities":
            continue
        system = table.split("/")[0]
        first = seed[(seed["source_system"] == system) & (seed["activity_type"] == activity_type)]
        vendor_type = first.iloc[0]["vendor_type"]
        assert set(rows["vendor_type"]) == {vendor_type}, (table, activity_type)
    # Page views never look like pricing visits; e-mail replies start 'Re:', other e-mails not.
    if "salesforce" in shape:
        tasks = read(shaped[shape], "salesforce/task")
        email = tasks["type"] == "Email"
        reply = tasks["subject"].str.startswith("Re:")
        assert (email & reply).any() and (email & ~reply).any()
        assert not tasks.loc[email & ~reply, "subject"].str.lower().str.startswith("re:").any()
    if "marketo" in shape:
        visits = read(shaped[shape], "marketo/activity_visit_webpage")
        statuses = set(
            read(shaped[shape], "marketo/activity_change_status_in_progression")["new_status"]
        )
        assert statuses == {"Registered", "Attended", "Visited Booth"}
        assert visits["webpage_url"].str.contains("/pricing").any()


# --- what each vendor record carries ---------------------------------------------------------


@pytest.mark.parametrize("shape", ["salesforce", "salesforce+marketo"])
def test_salesforce_records_carry_the_world(
    shape: str, shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    root = shaped[shape]
    landing = world["leads"]
    leads = read(root, "salesforce/lead")
    assert (nums(leads["id"]) == nums(landing["lead_id"])).all()
    pairs = {"email": "email", "company": "company_name", "title": "job_title",
             "industry": "industry", "number_of_employees": "employee_count",
             "lead_source": "lead_source", "created_date": "created_at",
             "last_modified_date": "updated_at"}  # fmt: skip
    for vendor, canonical in pairs.items():
        assert (leads[vendor] == landing[canonical]).all(), vendor
    assert np.allclose(leads["annual_revenue"], landing["annual_revenue"], equal_nan=True)
    assert (leads["country"] == landing["country"].map(COUNTRY_NAMES)).all()
    merged = landing["merged_into_lead_id"].notna()
    assert (nums(leads["master_record_id"]) == nums(landing["merged_into_lead_id"])).all()
    assert (leads["is_deleted"] == (landing["is_deleted"] | merged)).all()
    assert not (landing["is_deleted"] & merged).any()  # so every lead round-trips
    assert (nums(leads["converted_account_id"]) == nums(landing["account_id"])).all()
    opportunities = world["opportunities"]
    first = (
        opportunities.dropna(subset=["lead_id"])
        .assign(n=lambda f: nums(f["lead_id"]), o=lambda f: nums(f["opportunity_id"]))
        .groupby("n")["o"]
        .min()
    )
    n = nums(leads["id"])
    assert (nums(leads["converted_contact_id"]) == n.where(n.isin(first.index), 0)).all()
    assert (nums(leads["converted_opportunity_id"]) == n.map(first).fillna(0)).all()

    accounts = read(root, "salesforce/account")
    world_accounts = world["accounts"]
    assert (accounts["website"] == world_accounts["domain"]).all()
    assert (accounts["billing_country"] == world_accounts["country"].map(COUNTRY_NAMES)).all()
    assert (accounts["name"] == world_accounts["name"]).all()

    deals = read(root, "salesforce/opportunity")
    assert (nums(deals["account_id"]) == nums(opportunities["account_id"])).all()
    for column in ("amount", "is_closed", "is_won", "lead_source"):
        assert (deals[column] == opportunities[column]).all(), column
    assert (deals["created_date"] == opportunities["created_at"]).all()
    closed = opportunities["closed_at"].dt.date
    assert (deals["close_date"].fillna(0) == closed.fillna(0)).all()
    roles = read(root, "salesforce/opportunity_contact_role")
    assert roles["is_primary"].all()
    with_lead = opportunities.dropna(subset=["lead_id"])
    role_of = dict(zip(nums(roles["opportunity_id"]), nums(roles["contact_id"]), strict=True))
    assert role_of == dict(
        zip(nums(with_lead["opportunity_id"]), nums(with_lead["lead_id"]), strict=True)
    )
    # closed_at comes back as the first history row in a closed stage.
    history = read(root, "salesforce/opportunity_history")
    closed_rows = history[history["stage_name"].str.startswith("Closed")]
    first_closed = closed_rows.groupby(nums(closed_rows["opportunity_id"]))["created_date"].min()
    expected = opportunities.set_index(nums(opportunities["opportunity_id"]))["closed_at"].dropna()
    assert first_closed.sort_index().equals(expected.sort_index().rename("created_date"))

    if shape == "salesforce":
        campaigns = read(root, "salesforce/campaign")
        world_campaigns = world["campaigns"]
        assert (campaigns["type"] == world_campaigns["lead_source"]).all()
        assert (campaigns["name"] == world_campaigns["name"]).all()
        assert (campaigns["start_date"] == world_campaigns["started_on"]).all()


@pytest.mark.parametrize("shape", ["marketo", "salesforce+marketo"])
def test_marketo_records_carry_the_world(
    shape: str, shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    root = shaped[shape]
    landing = world["leads"]
    leads = read(root, "marketo/lead")
    assert (leads["id"] == nums(landing["lead_id"])).all()
    pairs = (("email", "email"), ("company", "company_name"), ("created_at", "created_at"),
             ("updated_at", "updated_at"))  # fmt: skip
    for vendor, canonical in pairs:
        assert (leads[vendor] == landing[canonical]).all(), vendor
    assert (leads["country"] == landing["country"].map(COUNTRY_NAMES)).all()
    email = landing["email"].str.strip().str.lower()
    shared = email.duplicated(keep=False)
    assert shared.any()
    if shape == "salesforce+marketo":
        synced = leads["sfdc_lead_id"].notna()
        assert 0.78 < synced.mean() < 0.92
        assert synced[shared].all()  # e-mail stitching is never ambiguous
        assert (nums(leads.loc[synced, "sfdc_lead_id"]) == leads.loc[synced, "id"]).all()
        assert email[~synced].is_unique
    else:
        assert leads["sfdc_lead_id"].isna().all()
        merges = read(root, "marketo/activity_merge_leads")
        loser = landing.dropna(subset=["merged_into_lead_id"])
        assert (nums(merges["merge_ids"]).to_numpy() == nums(loser["lead_id"]).to_numpy()).all()
        assert (merges["lead_id"].to_numpy() == nums(loser["merged_into_lead_id"]).to_numpy()).all()
        assert (merges["activity_date"].to_numpy() == loser["updated_at"].to_numpy()).all()
    programs = read(root, "marketo/program")
    campaigns = world["campaigns"]
    assert (programs["channel"] == campaigns["lead_source"]).all()
    assert (programs["name"] == campaigns["name"]).all()
    assert (programs["start_date"].dt.date == campaigns["started_on"]).all()
    smart = read(root, "marketo/campaign")
    assert (smart["id"] == smart["program_id"]).all()


@pytest.mark.parametrize("shape", ["salesforce", "salesforce+marketo"])
def test_tasks_name_the_campaign_of_their_activity(
    shape: str, shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    """A task's what_id is its landing activity's campaign as a Salesforce campaign id: a
    campaign row of the shape, or the Salesforce campaign a Marketo program syncs to."""
    root = shaped[shape]
    tasks = read(root, "salesforce/task")
    landing = world["activities"].set_index(nums(world["activities"]["activity_id"]))
    campaign_id = landing.loc[nums(tasks["id"]), "campaign_id"].reset_index(drop=True)
    with_campaign = campaign_id.notna()
    assert 0 < with_campaign.sum() < len(tasks)
    assert (tasks["what_id"].notna() == with_campaign).all()  # none without a campaign
    what = tasks.loc[with_campaign, "what_id"]
    assert what.str.fullmatch(r"701\d{12}").all()
    assert (nums(what) == nums(campaign_id[with_campaign])).all()
    if shape == "salesforce":
        assert set(what) <= set(read(root, "salesforce/campaign")["id"])
    else:
        programs = read(root, "marketo/program")
        assert programs["sfdc_id"].str.fullmatch(r"701\d{12}").all()
        assert (nums(programs["sfdc_id"]) == programs["id"]).all()
        assert set(what) <= set(programs["sfdc_id"])
    assert "what_id" not in read(root, "salesforce/event").columns


def test_marketo_only_programs_sync_to_no_campaign(shaped: dict[str, Path]) -> None:
    assert read(shaped["marketo"], "marketo/program")["sfdc_id"].isna().all()


@pytest.mark.parametrize("shape", ["marketo", "salesforce+marketo"])
def test_marketo_leads_name_an_account_written_in_the_shape(
    shape: str, shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    """sfdc_account_id is the id the warehouse gives the lead's account in this shape: the
    Salesforce account's, or the landed account row's own id in the marketo-only shape."""
    root = shaped[shape]
    landing = world["leads"]
    written = read(root, "marketo/lead")["sfdc_account_id"]
    if "salesforce" in shape:
        account_ids = set(read(root, "salesforce/account")["id"])
        converted = read(root, "salesforce/lead")["converted_account_id"]
        assert (written.fillna("") == converted.fillna("")).all()
    else:
        account_ids = set(read(root, "accounts")["account_id"])
        assert (written.fillna("") == landing["account_id"].fillna("")).all()
    assert written.notna().any() and landing["account_id"].isna().any()
    assert (written.isna() == landing["account_id"].isna()).all()
    assert set(written.dropna()) <= account_ids
    assert (nums(written) == nums(landing["account_id"])).all()


def test_deleted_leads_map_one_to_one_onto_delete_activities(
    shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    """Marketo's lead table has no deleted flag: a deleted lead is a Delete Lead activity."""
    root = shaped["marketo"]
    landing = world["leads"]
    deleted = landing[landing["is_deleted"]]
    deletes = read(root, "marketo/activity_delete_lead")
    assert len(deletes) == len(deleted) > 0
    assert deletes["lead_id"].is_unique
    by_lead = deletes.set_index(deletes["lead_id"].astype(np.int64))
    deleted_numbers = nums(deleted["lead_id"])
    assert set(by_lead.index) == set(deleted_numbers)
    assert (
        by_lead.loc[deleted_numbers, "activity_date"].to_numpy() == deleted["updated_at"].to_numpy()
    ).all()
    assert (deletes["id"] == "delete-" + deletes["lead_id"].astype(str)).all()
    assert (deletes["primary_attribute_value"] == "Deleted").all()
    assert deletes["campaign_id"].isna().all()
    # Every delete names a Marketo lead, and no id is a real activity's.
    assert set(deletes["lead_id"]) <= set(read(root, "marketo/lead")["id"])
    others = {
        i
        for name in FOLDERS["marketo"]
        if name.startswith("marketo/activity_") and name != "marketo/activity_delete_lead"
        for i in read(root, name)["id"]
    }
    assert others and not set(deletes["id"]) & others
    # Nobody is deleted that the landing does not delete; a merged lead is merged, not deleted.
    merged = nums(landing.loc[landing["merged_into_lead_id"].notna(), "lead_id"])
    assert not set(by_lead.index) & set(merged)


def test_a_delete_comes_with_the_last_version_of_the_lead(
    world: dict[str, pd.DataFrame], workdir: Path
) -> None:
    """A lead deleted after the batch it was created in arrives twice: the Delete Lead
    activity is dated and delivered as its last (deleted) version. Few generated leads have
    two versions, so the versions are made here from the landing world's rows."""
    from orchestration.generator.shapes import _account_ref, _marketo

    root = workdir / "landing"  # written by the world fixture
    leads, accounts, campaigns = (
        pq.read_table(data_files(root, name)[0]) for name in ("leads", "accounts", "campaigns")
    )
    frame = leads.to_pandas()
    alive = ~frame["is_deleted"] & frame["merged_into_lead_id"].isna()
    gone = leads.slice(int(np.flatnonzero(frame["is_deleted"])[0]), 1)
    kept = leads.slice(int(np.flatnonzero(alive & frame["account_id"].notna())[0]), 1)
    first = gone.set_column(
        gone.schema.get_field_index("updated_at"), "updated_at", gone.column("created_at")
    )
    first = first.set_column(
        first.schema.get_field_index("is_deleted"), "is_deleted", pa.array([False])
    )
    assert first.column("updated_at") != gone.column("updated_at")
    landed = {
        "leads": SimpleNamespace(
            data=pa.concat_tables([first, kept, gone]),
            batch=np.array([1, 2, 4]),
            final=pa.concat_tables([kept, gone]),
        ),
        "campaigns": SimpleNamespace(
            data=campaigns, batch=np.ones(campaigns.num_rows, dtype=np.int64), final=campaigns
        ),
    }
    out = _marketo(landed, _account_ref("marketo", accounts), with_crm=False)
    written = out["marketo/lead"]
    assert written.batch.tolist() == [1, 2, 4]
    expected = pa.concat_tables([first, kept, gone])["account_id"].to_pylist()
    assert written.data["sfdc_account_id"].to_pylist() == expected
    deletes = out["marketo/activity_delete_lead"]
    assert deletes.batch.tolist() == [4]
    assert deletes.data.column("activity_date").to_pylist() == gone["updated_at"].to_pylist()
    assert deletes.data.column("lead_id").to_pylist() == [num(gone["lead_id"][0].as_py())]
    # A lead whose account no landed account row has is a bug, not a dangling reference.
    few = accounts.filter(pc.not_equal(accounts["account_id"], kept["account_id"][0]))
    with pytest.raises(ValueError, match="accounts"):
        _marketo(landed, _account_ref("marketo", few), with_crm=False)


# --- batches ---------------------------------------------------------------------------------


def by_batch(root: Path, name: str, key: str) -> set[tuple[int, int]]:
    data = read(root, name, with_batch=True)
    return set(zip(data["_batch"], nums(data[key]), strict=True))


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_batches_split_vendor_tables_like_the_landing(shape: str, workdir: Path) -> None:
    landing, root = workdir / "batched_landing", workdir / f"batched_{shape.replace('+', '_')}"
    if not landing.exists():
        generate(SMALL, SEED, landing, batches=BATCHES)
    generate(SMALL, SEED, root, batches=BATCHES, shape=shape)
    assert all(
        re.fullmatch(r"batch_\d{4}\.parquet", p.name)
        for name in folders(root)
        for p in (root / name).iterdir()
    )
    assert len({p.name for n in folders(root) for p in (root / n).iterdir()}) == BATCHES
    leads = read(landing, "leads", with_batch=True)
    versions = set(zip(leads["_batch"], nums(leads["lead_id"]), leads["updated_at"], strict=True))
    for system, updated in (("salesforce", "last_modified_date"), ("marketo", "updated_at")):
        if system in shape:
            data = read(root, f"{system}/lead", with_batch=True)
            assert (
                set(zip(data["_batch"], nums(data["id"]), data[updated], strict=True)) == versions
            )
    if shape == "marketo":  # a Delete Lead activity comes with the deleted lead's last version
        last = leads.assign(n=nums(leads["lead_id"])).sort_values("_batch", kind="stable")
        last = last.drop_duplicates("n", keep="last").set_index("n")
        last = last[last["is_deleted"]]
        assert len(last)
        deletes = read(root, "marketo/activity_delete_lead", with_batch=True)
        assert set(
            zip(deletes["_batch"], deletes["lead_id"], deletes["activity_date"], strict=True)
        ) == set(zip(last["_batch"], last.index, last["updated_at"], strict=True))
    activities = by_batch(landing, "activities", "activity_id")
    written = set()
    for name in folders(root):
        table = name.split("/")[-1]
        if (
            name == "activities"
            or table in ("task", "event")
            or (table.startswith("activity_") and table not in PERSON_ACTIVITIES)
        ):
            written |= by_batch(root, name, "id" if "/" in name else "activity_id")
    assert written == activities
    crm = "salesforce" in shape
    pairs = [
        ("lead_status_history", "salesforce/lead_history" if crm else "lead_status_history"),
        ("opportunity_stage_history",
         "salesforce/opportunity_history" if crm else "opportunity_stage_history"),
        ("campaign_spend", "campaign_spend"),
    ]  # fmt: skip
    for canonical, name in pairs:
        a, b = read(landing, canonical, with_batch=True), read(root, name, with_batch=True)
        assert sorted(a["_batch"]) == sorted(b["_batch"]), name
    deals = read(landing, "opportunities", with_batch=True)
    name = "salesforce/opportunity" if crm else "opportunities"
    key = "id" if crm else "opportunity_id"
    assert by_batch(root, name, key) == set(
        zip(deals["_batch"], nums(deals["opportunity_id"]), strict=True)
    )
    if crm:  # a contact role arrives with the deal's first version
        roles = by_batch(root, "salesforce/opportunity_contact_role", "opportunity_id")
        first = deals.dropna(subset=["lead_id"]).groupby(nums(deals["opportunity_id"]))["_batch"]
        assert roles == {(b, n) for n, b in first.min().items()}


# --- dirty data ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dirty(workdir: Path) -> dict[str, Path]:
    roots = {}
    for shape in VENDOR_SHAPES:
        roots[shape] = workdir / f"dirty_{shape.replace('+', '_')}"
        generate(SMALL, SEED, roots[shape], shape=shape, dirty=True)
    return roots


EXPECTED_KINDS = {
    "salesforce": {
        "salesforce_unknown_lead_status",
        "salesforce_unknown_opportunity_stage",
        "salesforce_unparseable_timestamp",
        "salesforce_merged_into_missing_lead",
    },
    "marketo": {
        "marketo_unknown_activity_status",
        "marketo_unparseable_timestamp",
        "marketo_merged_into_missing_lead",
    },
}
EXPECTED_KINDS["salesforce+marketo"] = (
    EXPECTED_KINDS["salesforce"]
    | EXPECTED_KINDS["marketo"] - {"marketo_merged_into_missing_lead"}
    | {"marketo_lead_without_crm_match"}
)


@pytest.mark.parametrize("shape", VENDOR_SHAPES)
def test_dirty_cases_are_recorded(
    shape: str, dirty: dict[str, Path], shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    root = dirty[shape]
    manifest = manifest_of(root)
    kinds = manifest["dirty_rows"]
    assert set(kinds) == EXPECTED_KINDS[shape]
    # Dirty rows only add files, in the systems' folders (no landing dirty rows).
    clean = digests(shaped[shape])
    with_bad = digests(root)
    added = set(with_bad) - set(clean)
    assert added and all(
        p.endswith("/dirty_0001.csv") and p.split("/")[0] in SYSTEMS for p in added
    )
    assert [p for p, d in clean.items() if p != MANIFEST_NAME and with_bad[p] != d] == []
    lines: dict[str, list[int]] = {}
    lead_numbers = set(nums(world["leads"]["lead_id"]))
    crm_emails = set(world["leads"]["email"].str.strip().str.lower())
    for kind, entry in kinds.items():
        assert entry["count"] == len(entry["rows"]) == len(entry["keys"]) >= 3, kind
        assert entry["expected"]["outcome"] in ("quarantined", "rejected_at_load", "own_lead")
        assert entry["table"].startswith(entry["system"] + "/")
        assert entry["canonical_table"] in TABLES
        targets = [entry] + ([entry["companion"]] if "companion" in entry else [])
        for target in targets:
            for row in target["rows"]:
                lines.setdefault(row["file"], []).append(row["line"])
        system, table = entry["table"].split("/")
        header = SYSTEMS[system].tables[table].column_names
        with (root / entry["rows"][0]["file"]).open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == header
        for row, key in zip(entry["rows"], entry["keys"], strict=True):
            record = dict(zip(header, rows[row["line"] - 1], strict=True))
            assert [record[c] for c in SYSTEMS[system].tables[table].key] == key
            assert is_bad_as_claimed(kind, record, lead_numbers, crm_emails), (kind, record)
    for file, claimed in lines.items():
        data_lines = (root / file).read_text().count("\n") - 1
        assert sorted(claimed) == list(range(2, data_lines + 2)), file


def parses(text: str, fmt: str) -> bool:
    """Whether a timestamp text is one in the format (or any ISO 8601 one)."""
    for parse in (lambda: datetime.strptime(text, fmt), lambda: datetime.fromisoformat(text)):
        try:
            parse()
            return True
        except ValueError:
            pass
    return False


def is_bad_as_claimed(
    kind: str, r: dict[str, str], lead_numbers: set[int], crm_emails: set[str]
) -> bool:
    if kind == "salesforce_unknown_lead_status":
        return (
            r["field"] == "Status"
            and map_value("lead_status_vocabulary", "status", "salesforce", r["new_value"]) is None
        )
    if kind == "salesforce_unknown_opportunity_stage":
        return map_value("opportunity_stage_vocabulary", "stage_name", "salesforce",
                         r["stage_name"]) is None  # fmt: skip
    if kind == "salesforce_unparseable_timestamp":
        return not parses(r["created_date"], "%Y-%m-%dT%H:%M:%S.000+0000")
    if kind == "marketo_unparseable_timestamp":
        return not parses(r["activity_date"], "%Y-%m-%dT%H:%M:%SZ")
    if kind == "salesforce_merged_into_missing_lead":
        return r["is_deleted"] == "true" and num(r["master_record_id"]) not in lead_numbers | {
            num(r["id"])
        }
    if kind == "marketo_unknown_activity_status":
        return map_activity("marketo", "Change Status in Progression", r["new_status"]) is None
    if kind == "marketo_merged_into_missing_lead":
        return int(r["lead_id"]) not in lead_numbers and int(r["merge_ids"]) not in lead_numbers
    if kind == "marketo_lead_without_crm_match":
        return (
            r["sfdc_lead_id"] == r["sfdc_account_id"] == ""
            and r["email"].strip().lower() not in crm_emails
        )
    raise AssertionError(f"no check for kind {kind}")


def test_dirty_landing_shape_keeps_the_landing_kinds(workdir: Path) -> None:
    manifest = generate(SMALL, SEED, workdir / "dirty_landing", dirty=True)
    assert all(entry["table"] in TABLES for entry in manifest["dirty_rows"].values())
    assert "system_rows" not in manifest


# --- seeds, arguments, CLI -------------------------------------------------------------------


def test_a_seed_edit_that_breaks_a_spelling_fails_clearly() -> None:
    from orchestration.generator.shapes import activity_homes

    vocabulary = Vocabulary.read()
    homes = activity_homes("salesforce+marketo", vocabulary)
    assert homes["demo_request"].detail and "demo" in homes["demo_request"].detail.lower()
    assert homes["page_view"].table == "activity_visit_webpage"
    assert homes["meeting_held"].table == "event" and homes["sales_call"].table == "task"
    # A user's row that claims every form mentioning 'request' for consultations: the demo
    # form must not be named with it, and is not (the seed's own text is the fallback).
    extra = {"source_system": "marketo", "vendor_type": "Fill Out Form",
             "detail_contains": "request", "priority": "5",
             "activity_type": "consultation_request", "description": ""}  # fmt: skip
    edited = Vocabulary(vocabulary.statuses, vocabulary.stages, (extra, *vocabulary.activities))
    homes = activity_homes("marketo", edited)
    assert edited.activity_of("marketo", "Fill Out Form", homes["demo_request"].detail) == (
        "demo_request"
    )
    # A row that sends every page view to pricing cannot be written around: a clear error.
    greedy = {**extra, "vendor_type": "Visit Webpage", "detail_contains": "/",
              "activity_type": "pricing_page_view"}  # fmt: skip
    broken = Vocabulary(vocabulary.statuses, vocabulary.stages, (greedy, *vocabulary.activities))
    with pytest.raises(ValueError, match="page_view"):
        activity_homes("marketo", broken)


def test_shape_arguments_are_checked(workdir: Path) -> None:
    with pytest.raises(ValueError, match="shape"):
        generate(10, 1, workdir / "bad_shape", shape="hubspot")
    with pytest.raises(ValueError, match="single-part"):
        generate(SMALL, SEED, workdir / "bad_shape", shape="marketo", part_size=100)
    taken = workdir / "taken"
    generate(SMALL, SEED, taken, shape="salesforce")
    (taken / MANIFEST_NAME).unlink()
    with pytest.raises(FileExistsError):  # vendor folders count as landing data too
        generate(SMALL, SEED, taken)


def test_cli_generates_a_shape(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.cli import main

    out = workdir / "cli_shape"
    argv = ["generate", "--leads", "300", "--out", str(out), "--shape", "salesforce+marketo",
            "--format", "csv"]  # fmt: skip
    assert main(argv) == 0
    assert manifest_of(out)["shape"] == "salesforce+marketo"
    assert (out / "salesforce" / "lead" / "batch_0001.csv").is_file()
    assert (out / "marketo" / "activity_visit_webpage" / "batch_0001.csv").is_file()
    printed = capsys.readouterr().out
    assert "salesforce+marketo shape" in printed and "marketo/lead" in printed
