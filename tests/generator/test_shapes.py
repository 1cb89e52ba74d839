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
VENDOR_SHAPES = ("salesforce", "marketo", "salesforce+marketo", "hubspot")
SF_TABLES = {f"salesforce/{t}" for t in SYSTEMS["salesforce"].tables}
MK_TABLES = {f"marketo/{t}" for t in SYSTEMS["marketo"].tables}
HS_TABLES = {f"hubspot/{t}" for t in SYSTEMS["hubspot"].tables}
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
    "hubspot": HS_TABLES | {"activities", "campaigns", "campaign_spend"},
}
SALES_TOUCHES = {"sales_call", "sales_email", "email_reply", "meeting_held"}
# HubSpot: where each activity type goes (the rest, and the e-mail events of a lead whose
# e-mail is missing or shared, is landed); its activity tables.
HS_EMAIL_EVENTS = {"email_open", "email_click", "email_bounce", "unsubscribe"}
HS_FORMS = {"demo_request", "trial_signup", "consultation_request", "case_study_download",
            "content_download", "form_submit"}  # fmt: skip
HS_ENGAGEMENTS = {"sales_call", "sales_email", "meeting_held"}
HS_HOME = {
    **dict.fromkeys(HS_EMAIL_EVENTS, "hubspot/email_event"),
    **dict.fromkeys(HS_FORMS, "hubspot/contact_form_submission"),
    **dict.fromkeys(HS_ENGAGEMENTS, "hubspot/engagement"),
}
HS_LANDED = {"page_view", "pricing_page_view", "webinar_registered", "webinar_attended",
             "event_attended", "email_reply"}  # fmt: skip
HS_ACTIVITY_TABLES = ("email_event", "contact_form_submission", "engagement")
HS_ANALYTICS_SOURCES = {"PAID_SEARCH", "ORGANIC_SEARCH", "REFERRALS", "OTHER_CAMPAIGNS",
                        "OFFLINE", "AI_REFERRALS"}  # fmt: skip
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
    "hubspot": re.compile(r"\d{13}"),  # epoch milliseconds
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


# --- HubSpot as the warehouse reads it (the conformance spec), independent of the generator --


def lifecycle_status(value: str) -> tuple[str | None, str | None]:
    """(status, excluded reason) of a lifecycle stage: the status its seed row implies; a known
    stage without one is excluded; an unknown stage keeps its value."""
    seed = vocabulary_seed("lifecycle_stage_vocabulary")
    rows = seed[seed["vendor_value"].map(vkey) == vkey(value)]
    for source in ("hubspot", ""):
        mine = rows[rows["source_system"] == source]
        if len(mine):
            status = mine.iloc[0]["status"]
            return (status, None) if status else (None, "lifecycle_stage_without_status")
    return value, None


def conform_status(name: str, value: str) -> tuple[str | None, str | None]:
    """(status, excluded reason) of a contact_property_history row."""
    if name.strip().lower() == "hs_lead_status":
        return map_value("lead_status_vocabulary", "status", "hubspot", value), None
    if name.strip().lower() == "lifecyclestage":
        return lifecycle_status(value)
    return None, "not_a_status_change"


def hubspot_employee_count(text: object) -> int | None:
    """property_numemployees: an integer, or the low end of a range ('25-50', '1000+')."""
    if text is None or text is pd.NA or text == "" or (isinstance(text, float) and np.isnan(text)):
        return None
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*\d+|\+)?\s*", str(text))
    return int(match.group(1)) if match else None


def latest_contacts(root: Path) -> pd.DataFrame:
    """Each contact's latest version (by batch, then as delivered), with whether it is merged
    (contact_merge_audit) and current (neither deleted nor merged)."""
    contacts = read(root, "hubspot/contact", with_batch=True)
    latest = contacts.sort_values("_batch", kind="stable").drop_duplicates("id", keep="last")
    merged = set(nums(read(root, "hubspot/contact_merge_audit")["vid_to_merge"]))
    latest = latest.assign(n=nums(latest["id"]))
    deleted = latest["_fivetran_deleted"].astype(str).str.lower() == "true"
    return latest.assign(
        merged=latest["n"].isin(merged), current=~deleted & ~latest["n"].isin(merged)
    )


def recipients(root: Path) -> dict[str, int]:
    """Normalised e-mail -> the contact an e-mail event of it is attributed to: the one current
    contact with it, else the one contact of any state with it (none or several: no one)."""
    latest = latest_contacts(root)
    latest = latest.assign(e=latest["property_email"].str.strip().str.lower())
    owner: dict[str, int] = {}
    for email, group in latest.dropna(subset=["e"]).groupby("e"):
        now = group[group["current"]]
        if len(now) == 1:
            owner[email] = int(now["n"].iloc[0])
        elif len(now) == 0 and len(group) == 1:
            owner[email] = int(group["n"].iloc[0])
    return owner


def hubspot_activity_rows(root: Path, table: str) -> pd.DataFrame:
    """A HubSpot activity table's rows conformed as the spec says (see activity_rows)."""
    data = read(root, f"hubspot/{table}")
    if table == "email_event":
        owner = recipients(root)
        lead = data["recipient"].str.strip().str.lower().map(owner).fillna(0).astype(np.int64)
        written = data["type"]
        types = [map_activity("hubspot", t, None) for t in written]
        clicks = read(root, "hubspot/email_event_click")
        url = data["id"].map(dict(zip(clicks["id"], clicks["url"], strict=True)))
        url = url.where(data["type"] == "CLICK", None)
        t, campaign = data["created"], data["email_campaign_id"].fillna(0).astype(np.int64)
    elif table == "contact_form_submission":
        forms = read(root, "hubspot/form")
        names = data["form_id"].map(dict(zip(forms["guid"], forms["name"], strict=True)))
        written = pd.Series("Form Submission", index=data.index)
        types = [map_activity("hubspot", "Form Submission", n) for n in names]
        lead, t = nums(data["contact_id"]), data["timestamp"]
        page = data["page_url"].fillna("")
        url = page.str.split("?").str[0]
        url = url.where(url != "", None)
        campaign = page.str.extract(r"[?&]utm_campaign=([^&#]*)")[0].fillna("0").astype(np.int64)
    else:
        assert data["active"].all()  # an inactive engagement would be excluded
        links = read(root, "hubspot/engagement_contact")
        first = links.groupby(nums(links["engagement_id"]))["contact_id"].min()
        lead = nums(data["id"]).map(first).fillna(0).astype(np.int64)
        written = data["type"]
        types = [map_activity("hubspot", t, None) for t in written]
        t, campaign, url = data["timestamp"], 0, None
    return pd.DataFrame(
        {
            "number": nums(data["conversion_id" if table == "contact_form_submission" else "id"]),
            "lead": lead,
            "activity_type": types,
            "t": t,
            "campaign": campaign,
            "url": url,
            "table": f"hubspot/{table}",
            "vendor_type": written,
        }
    )


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
        if "/" in name:  # a vendor table's key is unique
            keys = data.select(list(spec.key)).to_pandas()
            assert not keys.duplicated().any(), name
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
                    if name.startswith("hubspot/"):  # epoch milliseconds
                        ms = pd.to_numeric(text[column].where(text[column] != ""))
                        parsed = pd.to_datetime(ms, unit="ms", utc=True)
                    else:
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
        elif name.startswith("hubspot/"):  # numbers: integers, or text of digits
            spec = SYSTEMS["hubspot"].tables[name.split("/")[1]]
            for column in spec.columns:
                values = data[column.name].dropna()
                if column.type == "BIGINT":
                    assert pd.api.types.is_integer_dtype(values), (name, column.name)
                    assert (values > 0).all() or column.name == "display_order", name
                elif column.name in ("id", "conversion_id"):
                    assert len(values) and values.str.fullmatch(r"[1-9]\d*").all(), name
                elif column.name in ("form_id", "guid"):
                    assert values.str.fullmatch(r"form-[a-z0-9-]+").all(), name
    # Landing rows reference vendor records by the id the warehouse gives them.
    lead_pattern = (
        r"00Q\d{12}" if "salesforce" in shape else r"\d+" if shape == "hubspot" else r"marketo:\d+"
    )
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
        leads = f"{system}/{'contact' if system == 'hubspot' else 'lead'}"
        assert set(nums(read(root, leads)["id"])) == lead_numbers
    if shape == "hubspot":
        companies = read(root, "hubspot/company")
        assert set(companies["id"]) == set(nums(world["accounts"]["account_id"]))
        deals = read(root, "hubspot/deal")
        assert set(deals["deal_id"]) == set(nums(world["opportunities"]["opportunity_id"]))
    if "salesforce" in shape:
        accounts = read(root, "salesforce/account")
        assert set(nums(accounts["id"])) == set(nums(world["accounts"]["account_id"]))
        opportunities = read(root, "salesforce/opportunity")
        assert set(nums(opportunities["id"])) == set(nums(world["opportunities"]["opportunity_id"]))
    campaigns = set(nums(world["campaigns"]["campaign_id"]))
    if shape == "hubspot":  # landed, by number
        landed = read(root, "campaigns")
        assert landed["campaign_id"].str.fullmatch(r"[1-9]\d*").all()
        assert (nums(landed["campaign_id"]) == nums(world["campaigns"]["campaign_id"])).all()
        assert landed.drop(columns="campaign_id").equals(
            world["campaigns"].drop(columns="campaign_id")
        )
    else:
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
        if system == "hubspot":
            if table in HS_ACTIVITY_TABLES:
                parts.append(hubspot_activity_rows(root, table))
            continue
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
    if shape == "hubspot":
        history = read(root, "hubspot/contact_property_history")
        created = (history["name"] == "lifecyclestage") & (history["value"] == "lead")
        counts = {
            "leads": rows["hubspot/contact"],
            "lead_status_history": int((~created).sum()),  # beside each contact's first stage
            "accounts": rows["hubspot/company"],
            "opportunities": rows["hubspot/deal"],
            "opportunity_stage_history": rows["hubspot/deal_stage"],
            "campaigns": rows["campaigns"],
            "campaign_spend": rows["campaign_spend"],
        }
        with_lead = world["opportunities"]["lead_id"].notna().sum()
        assert rows["hubspot/deal_contact"] == with_lead
        assert rows["hubspot/deal_company"] == world["opportunities"]["account_id"].notna().sum()
        merged = world["leads"]["merged_into_lead_id"].notna().sum()
        assert rows["hubspot/contact_merge_audit"] == merged > 0
        assert rows["hubspot/deal_pipeline_stage"] == 6
    else:
        counts = {
            "leads": [rows[f"{s}/lead"] for s in shape.split("+")],
            "lead_status_history": rows[
                "salesforce/lead_history" if crm else "lead_status_history"
            ],
            "accounts": rows["salesforce/account" if crm else "accounts"],
            "opportunities": rows["salesforce/opportunity" if crm else "opportunities"],
            "opportunity_stage_history": rows[
                "salesforce/opportunity_history" if crm else "opportunity_stage_history"
            ],
            "campaigns": rows[
                "salesforce/campaign" if shape == "salesforce" else "marketo/program"
            ],
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
    elif shape == "marketo":  # one Merge Leads activity per merged lead, one Delete Lead per
        # deleted lead
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
    if shape == "hubspot":  # every HubSpot row carries exactly the landing row's page
        hubspot = merged["table"] != "activities"
        assert (merged.loc[hubspot, "url"].isna() == merged.loc[hubspot, "url_l"].isna()).all()
        home = merged["activity_type"].map(HS_HOME).fillna("activities")
        assert (merged.loc[hubspot, "table"] == home[hubspot]).all()
        # landed: the types HubSpot has no home for, and e-mail events it cannot attribute
        landed = merged.loc[~hubspot, "activity_type"]
        assert landed.isin(HS_LANDED | HS_EMAIL_EVENTS).all()
        assert set(HS_LANDED) <= set(landed)
        return
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
    for system, table, updated in (
        ("salesforce", "lead", "last_modified_date"),
        ("marketo", "lead", "updated_at"),
        ("hubspot", "contact", "property_lastmodifieddate"),
    ):
        if system in shape:
            data = read(root, f"{system}/{table}", with_batch=True)
            assert (
                set(zip(data["_batch"], nums(data["id"]), data[updated], strict=True)) == versions
            )
    if shape == "hubspot":  # a merge comes with the merged lead's first merged version
        merged = leads.dropna(subset=["merged_into_lead_id"])
        merged = merged.assign(n=nums(merged["lead_id"])).drop_duplicates("n")
        assert len(merged)
        audit = read(root, "hubspot/contact_merge_audit", with_batch=True)
        assert set(
            zip(audit["_batch"], nums(audit["vid_to_merge"]), audit["timestamp"], strict=True)
        ) == set(zip(merged["_batch"], merged["n"], merged["updated_at"], strict=True))
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
        elif name == "hubspot/contact_form_submission":
            written |= by_batch(root, name, "conversion_id")
        elif name in ("hubspot/email_event", "hubspot/engagement"):
            written |= by_batch(root, name, "id")
    assert written == activities
    if shape == "hubspot":  # a click's link and an engagement's contact come with it
        events = by_batch(root, "hubspot/email_event", "id")
        assert by_batch(root, "hubspot/email_event_click", "id") <= events
        assert by_batch(root, "hubspot/engagement_contact", "engagement_id") == by_batch(
            root, "hubspot/engagement", "id"
        )
    crm = "salesforce" in shape
    pairs = [
        ("lead_status_history", "salesforce/lead_history" if crm else "lead_status_history"),
        ("opportunity_stage_history",
         "salesforce/opportunity_history" if crm else "opportunity_stage_history"),
        ("campaign_spend", "campaign_spend"),
    ]  # fmt: skip
    if shape == "hubspot":
        pairs[:2] = [("lead_status_history", "hubspot/contact_property_history"),
                     ("opportunity_stage_history", "hubspot/deal_stage")]  # fmt: skip
    for canonical, name in pairs:
        a, b = read(landing, canonical, with_batch=True), read(root, name, with_batch=True)
        if name == "hubspot/contact_property_history":  # and each contact's first stage,
            # with the contact's first version
            created = (b["name"] == "lifecyclestage") & (b["value"] == "lead")
            first = leads.assign(n=nums(leads["lead_id"])).drop_duplicates("n")
            assert set(
                zip(b.loc[created, "_batch"], b.loc[created, "contact_id"], strict=True)
            ) == (set(zip(first["_batch"], first["n"], strict=True)))
            b = b[~created]
        assert sorted(a["_batch"]) == sorted(b["_batch"]), name
    deals = read(landing, "opportunities", with_batch=True)
    name = (
        "salesforce/opportunity"
        if crm
        else "hubspot/deal"
        if shape == "hubspot"
        else "opportunities"
    )
    key = "id" if crm else "deal_id" if shape == "hubspot" else "opportunity_id"
    assert by_batch(root, name, key) == set(
        zip(deals["_batch"], nums(deals["opportunity_id"]), strict=True)
    )
    if crm:  # a contact role arrives with the deal's first version
        roles = by_batch(root, "salesforce/opportunity_contact_role", "opportunity_id")
        first = deals.dropna(subset=["lead_id"]).groupby(nums(deals["opportunity_id"]))["_batch"]
        assert roles == {(b, n) for n, b in first.min().items()}
    if shape == "hubspot":  # so do a deal's contact and company
        for table, column in (("deal_contact", "lead_id"), ("deal_company", "account_id")):
            first = deals.dropna(subset=[column]).groupby(nums(deals["opportunity_id"]))["_batch"]
            assert by_batch(root, f"hubspot/{table}", "deal_id") == {
                (b, n) for n, b in first.min().items()
            }, table
        assert set(read(root, "hubspot/deal_pipeline_stage", with_batch=True)["_batch"]) == {1}


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
EXPECTED_KINDS["hubspot"] = {
    "hubspot_unknown_lead_status",
    "hubspot_unparseable_timestamp",
    "hubspot_merged_into_missing_lead",
    "hubspot_recipient_without_contact",
}


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
        assert entry["expected"]["outcome"] in (
            "quarantined",
            "rejected_at_load",
            "own_lead",
            "excluded",
        )
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
        if kind == "hubspot_merged_into_missing_lead":  # each merged contact a new one,
            # removed (deleted) as HubSpot removes a merged contact
            merged = {k[0] for k in entry["keys"]}
            assert {k[0] for k in entry["companion"]["keys"]} == merged
            contacts = pd.read_csv(root / entry["companion"]["rows"][0]["file"], dtype=str)
            contacts = contacts[contacts["id"].isin(merged)]
            assert len(contacts) == len(merged) and (contacts["_fivetran_deleted"] == "true").all()
    if shape == "hubspot":  # a new status row takes no clean row's key
        history = read(shaped[shape], "hubspot/contact_property_history")
        clean = set(zip(history["contact_id"].astype(str), history["name"],
                        (history["timestamp"].astype("int64") // 1_000_000).astype(str),
                        strict=True))  # fmt: skip
        assert not {tuple(k) for k in kinds["hubspot_unknown_lead_status"]["keys"]} & clean
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
    if kind == "hubspot_unknown_lead_status":
        return (
            r["name"] == "hs_lead_status"
            and re.fullmatch(r"\d{13}", r["timestamp"]) is not None
            and conform_status(r["name"], r["value"]) == (None, None)
        )
    if kind == "hubspot_unparseable_timestamp":  # epoch milliseconds have 11 to 13 digits
        text = r["property_createdate"]
        return re.fullmatch(r"\d{11,13}", text) is None and not parses(text, "%Y-%m-%d")
    if kind == "hubspot_merged_into_missing_lead":
        return (
            r["contact_id"] == r["canonical_vid"]
            and int(r["canonical_vid"]) not in lead_numbers | {int(r["vid_to_merge"])}
            and int(r["vid_to_merge"]) not in lead_numbers
        )
    if kind == "hubspot_recipient_without_contact":
        return r["type"] in ("OPEN", "CLICK", "BOUNCE", "STATUSCHANGE") and (
            r["recipient"].strip().lower() not in crm_emails
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
    # HubSpot: a form whose name would read as another form type cannot be written around.
    greedy = {**extra, "source_system": "hubspot", "vendor_type": "Form Submission",
              "detail_contains": "", "priority": "1", "activity_type": "form_submit"}  # fmt: skip
    broken = Vocabulary(vocabulary.statuses, vocabulary.stages, (greedy, *vocabulary.activities))
    with pytest.raises(ValueError, match="Form Submission detail maps back"):
        activity_homes("hubspot", broken)


def test_hubspot_homes() -> None:
    from orchestration.generator.shapes import activity_homes

    homes = activity_homes("hubspot", Vocabulary.read())
    for activity_type, home in homes.items():
        where = f"{home.system}/{home.table}" if home.system != "landing" else "activities"
        assert where == HS_HOME.get(activity_type, "activities"), activity_type
    assert {t for t, h in homes.items() if h.system == "landing"} == HS_LANDED
    assert homes["sales_call"].vendor_type == "CALL" and homes["email_click"].vendor_type == "CLICK"
    assert homes["demo_request"].vendor_type == "Form Submission"
    for form in HS_FORMS:  # the form's name maps back through the seed
        assert map_activity("hubspot", "Form Submission", homes[form].detail) == form


def test_a_lifecycle_seed_edit_that_breaks_the_statuses_fails_clearly(
    world: dict[str, pd.DataFrame], workdir: Path
) -> None:
    """The stage every contact is created in must imply no status (it is excluded), and each
    status row's stage must map back to its status."""
    from orchestration.generator.hubspot_shape import _hubspot_history

    vocabulary = Vocabulary.read()
    root = workdir / "landing"  # written by the world fixture
    tables = {n: pq.read_table(data_files(root, n)[0]) for n in ("leads", "lead_status_history")}
    landed = {
        n: SimpleNamespace(data=t, batch=np.ones(t.num_rows, dtype=np.int16), final=t)
        for n, t in tables.items()
    }
    size = SMALL + 1
    rows, _current = _hubspot_history(landed, vocabulary, size)
    assert rows.data.num_rows == tables["lead_status_history"].num_rows + SMALL
    edited = [{**r, "status": "open"} if r["vendor_value"] == "lead" else r
              for r in vocabulary.lifecycle]  # fmt: skip
    broken = Vocabulary(vocabulary.statuses, vocabulary.stages, vocabulary.activities,
                        tuple(edited))  # fmt: skip
    with pytest.raises(ValueError, match="lead"):
        _hubspot_history(landed, broken, size)
    # A row before salesqualifiedlead with its key: the stage written would read as working.
    shadow = {**vocabulary.lifecycle[0], "vendor_value": "Sales Qualified Lead",
              "status": "working"}  # fmt: skip
    broken = Vocabulary(vocabulary.statuses, vocabulary.stages, vocabulary.activities,
                        (shadow, *vocabulary.lifecycle))  # fmt: skip
    with pytest.raises(ValueError, match="Qualified"):
        _hubspot_history(landed, broken, size)


def test_shape_arguments_are_checked(workdir: Path) -> None:
    with pytest.raises(ValueError, match="shape"):
        generate(10, 1, workdir / "bad_shape", shape="pipedrive")
    for shape in ("marketo", "hubspot"):
        with pytest.raises(ValueError, match="single-part"):
            generate(SMALL, SEED, workdir / "bad_shape", shape=shape, part_size=100)
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


def test_cli_generates_the_hubspot_shape(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.cli import main

    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    assert "hubspot" in capsys.readouterr().out
    out = workdir / "cli_hubspot"
    argv = ["generate", "--leads", "300", "--seed", "17", "--out", str(out), "--shape",
            "hubspot", "--format", "csv", "--dirty"]  # fmt: skip
    assert main(argv) == 0
    manifest = manifest_of(out)
    assert (
        manifest["shape"] == "hubspot" and set(manifest["dirty_rows"]) == EXPECTED_KINDS["hubspot"]
    )
    with (out / "hubspot" / "contact" / "batch_0001.csv").open() as handle:
        header, first = handle.readline(), handle.readline()
    assert header.startswith('"id","property_email"')
    assert re.search(r",\d{13},\d{13},(true|false)$", first.strip())  # epoch ms, unquoted
    printed = capsys.readouterr().out
    assert "hubspot shape" in printed and "hubspot/email_event" in printed


# --- HubSpot: the raw tables conform back to the landing rows --------------------------------


def test_hubspot_records_carry_the_world(
    shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    root = shaped["hubspot"]
    landing = world["leads"]
    contacts = read(root, "hubspot/contact")
    assert (contacts["id"] == nums(landing["lead_id"])).all()
    pairs = {"property_email": "email", "property_company": "company_name",
             "property_jobtitle": "job_title", "property_industry": "industry",
             "property_lead_source": "lead_source", "property_createdate": "created_at",
             "property_lastmodifieddate": "updated_at"}  # fmt: skip
    for vendor, canonical in pairs.items():
        assert (contacts[vendor] == landing[canonical]).all(), vendor
    assert (contacts["property_numemployees"].map(hubspot_employee_count)
            == landing["employee_count"]).all()  # fmt: skip
    assert np.allclose(
        contacts["property_annualrevenue"].astype(float), landing["annual_revenue"], equal_nan=True
    )
    assert (contacts["property_country"] == landing["country"].map(COUNTRY_NAMES)).all()
    assert (nums(contacts["property_associatedcompanyid"]) == nums(landing["account_id"])).all()
    # The lead source: the portal's own property, else the Original Source (set only then).
    source = contacts["property_lead_source"].fillna("").str.strip()
    analytics = contacts["property_hs_analytics_source"]
    assert (analytics.isna() == (source == "")).all()
    assert set(analytics.dropna()) <= HS_ANALYTICS_SOURCES and analytics.nunique() > 3
    paid = landing["lead_source"].str.strip().str.lower() == "google ads"
    assert paid.any() and (analytics[paid] == "PAID_SEARCH").all()
    # Merges: the audit's canonical contact; a merged contact is removed, not deleted.
    audit = read(root, "hubspot/contact_merge_audit")
    assert (audit["contact_id"] == audit["canonical_vid"]).all()
    latest = audit.sort_values("timestamp").drop_duplicates("vid_to_merge", keep="last")
    merged_into = nums(contacts["id"]).map(dict(zip(latest["vid_to_merge"], latest["canonical_vid"],
                                                    strict=True)))  # fmt: skip
    assert (merged_into.fillna(0).astype(np.int64) == nums(landing["merged_into_lead_id"])).all()
    merged = merged_into.notna()
    assert merged.any()
    assert (contacts["_fivetran_deleted"] == (landing["is_deleted"] | merged)).all()
    assert ((contacts["_fivetran_deleted"] & ~merged) == landing["is_deleted"]).all()
    assert landing["is_deleted"].any()
    by_lead = landing.set_index(nums(landing["lead_id"]))
    assert (audit["timestamp"].to_numpy() == by_lead.loc[audit["vid_to_merge"], "updated_at"]
            .to_numpy()).all()  # fmt: skip

    companies = read(root, "hubspot/company")
    accounts = world["accounts"]
    assert (companies["id"] == nums(accounts["account_id"])).all()
    assert (companies["property_name"] == accounts["name"]).all()
    assert (companies["property_domain"] == accounts["domain"]).all()
    assert (companies["property_numberofemployees"] == accounts["employee_count"]).all()
    assert (companies["property_country"] == accounts["country"].map(COUNTRY_NAMES)).all()
    assert not companies["is_deleted"].any()

    # Deals: the stage is the label of the pipeline stage its id names, mapped by the seed.
    stages = read(root, "hubspot/deal_pipeline_stage")
    label = dict(zip(stages["stage_id"], stages["label"], strict=True))
    osv = "opportunity_stage_vocabulary"
    assert (stages["stage_id"] == stages["label"].map(vkey)).all()
    assert stages["display_order"].is_unique and (stages["pipeline_id"] == "default").all()
    for _stage_id, row in stages.set_index("stage_id").iterrows():
        stage = map_value(osv, "stage_name", "hubspot", row["label"])
        assert row["label"] == default_spelling(osv, "stage_name", "hubspot", stage)
        assert row["closed_won"] == (stage == "Closed Won")
        p = row["probability"]
        assert (
            p == 1.0 if stage == "Closed Won" else p == 0.0 if stage == "Closed Lost" else 0 < p < 1
        )
    deals = read(root, "hubspot/deal")
    opportunities = world["opportunities"]
    assert (deals["deal_id"] == nums(opportunities["opportunity_id"])).all()
    stage_name = deals["deal_pipeline_stage_id"].map(
        lambda s: map_value(osv, "stage_name", "hubspot", label.get(s, s))
    )
    assert (stage_name == opportunities["stage_name"]).all()
    pairs = {"property_amount": "amount", "property_createdate": "created_at",
             "property_hs_lastmodifieddate": "updated_at", "property_lead_source": "lead_source",
             "property_hs_is_closed": "is_closed",
             "property_hs_is_closed_won": "is_won"}  # fmt: skip
    for vendor, canonical in pairs.items():
        assert (deals[vendor] == opportunities[canonical]).all(), vendor
    assert (deals["property_closedate"].fillna(0) == opportunities["closed_at"].fillna(0)).all()
    assert (deals["deal_pipeline_id"] == "default").all() and not deals["is_deleted"].any()
    for table, column, canonical in (("deal_contact", "contact_id", "lead_id"),
                                     ("deal_company", "company_id", "account_id")):  # fmt: skip
        links = read(root, f"hubspot/{table}")
        lowest = links.groupby("deal_id")[column].min()
        expected = opportunities.dropna(subset=[canonical])
        assert lowest.to_dict() == dict(
            zip(nums(expected["opportunity_id"]), nums(expected[canonical]), strict=True)
        ), table
    # Stage history: the label of each stage entered; closed_at, the first entry of the
    # closed deal's current stage.
    history = read(root, "hubspot/deal_stage")
    landing_stages = world["opportunity_stage_history"]
    assert (history["deal_id"] == nums(landing_stages["opportunity_id"])).all()
    assert (history["date_entered"] == landing_stages["changed_at"]).all()
    names = history["value"].map(lambda s: map_value(osv, "stage_name", "hubspot", label.get(s, s)))
    assert (names == landing_stages["stage_name"]).all()
    ordered = history.sort_values(["deal_id", "date_entered"])
    assert not (ordered.groupby("deal_id")["value"].shift(1) == ordered["value"]).any()
    current = deals.set_index("deal_id")["deal_pipeline_stage_id"]
    entered = history[history["value"] == history["deal_id"].map(current)]
    first_entered = entered.groupby("deal_id")["date_entered"].min()
    closed = deals.set_index("deal_id")["property_hs_is_closed"]
    closed_at = first_entered[closed[first_entered.index]]
    expected = opportunities.set_index(nums(opportunities["opportunity_id"]))["closed_at"].dropna()
    assert len(expected) and {int(k): v for k, v in closed_at.items()} == expected.to_dict()


def test_hubspot_statuses_conform_back(
    shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    """Every contact_property_history row maps back through the seeds to its landing status
    row, but for each contact's first lifecycle stage, excluded as one without a status."""
    root = shaped["hubspot"]
    history = read(root, "hubspot/contact_property_history")
    conformed = [
        conform_status(n, v) for n, v in zip(history["name"], history["value"], strict=True)
    ]
    history = history.assign(status=[c[0] for c in conformed], excluded=[c[1] for c in conformed])
    kept, excluded = history[history["excluded"].isna()], history[history["excluded"].notna()]
    landing = world["lead_status_history"]
    ours = sorted(zip(kept["contact_id"], kept["timestamp"], kept["status"], kept["source_id"],
                      strict=True))  # fmt: skip
    theirs = sorted(
        zip(
            nums(landing["lead_id"]),
            landing["changed_at"],
            landing["status"].str.lower(),
            landing["changed_by"],
            strict=True,
        )
    )
    assert ours == theirs
    # Qualified and Converted are lifecycle stages, the other statuses hs_lead_status values
    # in HubSpot's default spelling.
    lsv = "lead_status_vocabulary"
    stages = kept[kept["name"] == "lifecyclestage"]
    assert set(stages["value"]) == {"salesqualifiedlead", "opportunity"}
    assert set(stages["status"]) == {"qualified", "converted"}
    statuses = kept[kept["name"] == "hs_lead_status"]
    assert {"open", "working"} <= set(statuses["status"])
    for value, status in zip(statuses["value"], statuses["status"], strict=True):
        assert value == default_spelling(lsv, "status", "hubspot", status)
    # Each contact enters the lifecycle as a lead when created.
    assert set(excluded["excluded"]) == {"lifecycle_stage_without_status"}
    assert (excluded["value"] == "lead").all()
    leads = world["leads"]
    assert sorted(zip(excluded["contact_id"], excluded["timestamp"], strict=True)) == sorted(
        zip(nums(leads["lead_id"]), leads["created_at"], strict=True)
    )
    # The contacts' current values are the last ones.
    contacts = read(root, "hubspot/contact").set_index("id")
    last = history.sort_values("timestamp", kind="stable").groupby(["contact_id", "name"]).last()
    for (contact, name), row in last.iterrows():
        assert contacts.loc[contact, f"property_{name}"] == row["value"], (contact, name)


def test_hubspot_routes_to_the_landing_only_what_it_cannot_carry(
    shaped: dict[str, Path], world: dict[str, pd.DataFrame]
) -> None:
    """Landed: the types HubSpot has no home for (and replies, which carry a campaign), and the
    e-mail events of leads whose final normalised e-mail is missing or shared; together with
    the HubSpot activity tables, every landing activity once."""
    root = shaped["hubspot"]
    landing = world["activities"]
    leads = world["leads"]
    email = leads["email"].str.strip().str.lower()
    blind = set(nums(leads.loc[email.isna() | (email == "") | email.duplicated(keep=False),
                               "lead_id"]))  # fmt: skip
    event = landing["activity_type"].isin(HS_EMAIL_EVENTS)
    unattributable = event & nums(landing["lead_id"]).isin(blind)
    expected = landing[landing["activity_type"].isin(HS_LANDED) | unattributable]
    landed = read(root, "activities")
    assert unattributable.any() and (event & ~unattributable).any()
    assert sorted(nums(landed["activity_id"])) == sorted(nums(expected["activity_id"]))
    in_hubspot = sum(len(read(root, f"hubspot/{t}")) for t in HS_ACTIVITY_TABLES)
    assert in_hubspot + len(landed) == len(landing)
    # Landed rows name the lead and the campaign as the warehouse names the HubSpot records.
    assert landed["lead_id"].str.fullmatch(r"[1-9]\d*").all()
    assert landed["campaign_id"].dropna().str.fullmatch(r"[1-9]\d*").all()
    same = expected.set_index(nums(expected["activity_id"])).loc[nums(landed["activity_id"])]
    assert (nums(landed["lead_id"]).to_numpy() == nums(same["lead_id"]).to_numpy()).all()
    assert (nums(landed["campaign_id"]).to_numpy() == nums(same["campaign_id"]).to_numpy()).all()
    assert (landed["activity_id"].to_numpy() == same["activity_id"].to_numpy()).all()
    # Every e-mail event in HubSpot names exactly one contact by its recipient: its lead.
    owner = recipients(root)
    events = read(root, "hubspot/email_event")
    named = events["recipient"].str.strip().str.lower().map(owner)
    assert named.notna().all()
    by_id = landing.set_index(nums(landing["activity_id"]))
    assert (named.astype(np.int64).to_numpy() == nums(by_id.loc[nums(events["id"]), "lead_id"])
            .to_numpy()).all()  # fmt: skip
    # A form's campaign is its page URL's utm_campaign; every form type has its form.
    forms = read(root, "hubspot/form")
    assert forms["guid"].is_unique and len(forms) == len(HS_FORMS)
    submissions = read(root, "hubspot/contact_form_submission")
    with_campaign = submissions["page_url"].str.contains("utm_campaign=", na=False)
    assert with_campaign.any() and (~with_campaign).any()
    campaign = by_id.loc[nums(submissions["conversion_id"]), "campaign_id"].reset_index(drop=True)
    assert (with_campaign == campaign.notna()).all()
    # A click's link comes with it; engagements carry no campaign and are active.
    clicks = read(root, "hubspot/email_event_click")
    assert set(clicks["id"]) == set(events.loc[events["type"] == "CLICK", "id"])
    assert len(read(root, "hubspot/engagement_contact")) == len(read(root, "hubspot/engagement"))


def test_hubspot_first_lifecycle_stage_yields_to_a_status_row_of_the_same_moment() -> None:
    """The key of contact_property_history is (contact, property, moment): a contact created
    straight into a lifecycle stage that implies a status gets no 'lead' row beside it."""
    from orchestration.generator.hubspot_shape import _hubspot_history

    def ts(seconds: list[int]) -> pa.Array:
        return pa.array([s * 1_000_000 for s in seconds], pa.timestamp("us"))

    leads = pa.table({"lead_id": ["L0000001", "L0000002"], "created_at": ts([100, 200])})
    statuses = pa.table(
        {
            "lead_id": ["L0000001", "L0000001", "L0000002"],
            "status": ["Open", "Qualified", "Open"],
            "changed_at": ts([100, 100, 200]),
            "changed_by": ["system", "sdr.anna", "list_import"],
        }
    )
    landed = {
        "leads": SimpleNamespace(data=leads, batch=np.array([1, 2]), final=leads),
        "lead_status_history": SimpleNamespace(
            data=statuses, batch=np.array([1, 1, 2]), final=statuses
        ),
    }
    rows, current = _hubspot_history(landed, Vocabulary.read(), 3)
    data = rows.data.to_pydict()
    written = list(zip(data["contact_id"], data["name"], data["value"], data["source"],
                       data["source_id"], rows.batch.tolist(), strict=True))  # fmt: skip
    assert written == [
        (1, "hs_lead_status", "NEW", "AUTOMATION_PLATFORM", "system", 1),
        (1, "lifecyclestage", "salesqualifiedlead", "CRM_UI", "sdr.anna", 1),
        (2, "hs_lead_status", "NEW", "IMPORT", "list_import", 2),
        (2, "lifecyclestage", "lead", None, None, 2),
    ]
    first, last, values = current["lifecyclestage"]
    assert [values[c] for c in last[1:]] == ["salesqualifiedlead", "lead"]
