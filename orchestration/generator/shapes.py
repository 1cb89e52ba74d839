"""The demo world in the raw tables of Salesforce, Marketo or HubSpot (``funnel generate --shape``).

The landing shape is the landing contract only. A vendor shape writes the same world (the
landing rows, made exactly as for the landing shape) into the tables of
orchestration/ingestion/systems.py as the connectors land them, ``<out>/<system>/<table>/``,
and lands through the landing contract only what the systems cannot carry (docs/sources.md):

- salesforce: leads, statuses, accounts, deals, sales touches and campaigns in Salesforce; the
  marketing activities and the campaign spend landed.
- marketo: leads (with their accounts, merges and deletions), marketing activities and
  programs in Marketo; the CRM tables (accounts, statuses, deals and their stages), the sales
  touches and the spend landed.
- salesforce+marketo: the CRM tables and sales touches in Salesforce, leads in both, the
  marketing activities and programs in Marketo (no Salesforce campaigns; each program's
  ``sfdc_id`` is the Salesforce campaign it syncs to); the spend landed.
- hubspot: contacts (leads with their accounts, merges and deletions), their status changes
  (hs_lead_status and lifecycle stage history), companies, deals (with their pipeline stages,
  stage history and contact and company associations), marketing e-mail events, form
  submissions and sales engagements in HubSpot; the page views, webinars and events (HubSpot
  has no home for them), the e-mail replies (they carry a campaign, an engagement cannot), the
  e-mail events HubSpot cannot attribute (their lead's e-mail is missing or shared by another
  lead: HubSpot names an event's contact by the recipient's address only), the campaigns and
  the spend landed. A form submission names its campaign in its page URL's ``utm_campaign``.
  Its tables are made in hubspot_shape.py.

A Salesforce task's ``what_id`` is its campaign's Salesforce id (``701...``): the campaign row's
in the salesforce shape, the id in the program's ``sfdc_id`` in the salesforce+marketo shape.

Every vendor row comes from one landing row and is delivered in that row's batch. Ids are the
landing id's number in the vendor's format: Salesforce ``<prefix>`` + 12 digits (lead
``00Q000000000123`` for ``L0000123``), Marketo and HubSpot the number itself (as text where the
vendor's id is text); a landing row that references a vendor record uses the id the warehouse
gives that record (``00Q...``, a program's or HubSpot record's number as text, ``marketo:<id>``
for a Marketo person in the marketo-only shape), and so does a Marketo lead's
``sfdc_account_id`` (``001...``, or the landed account's own id in the marketo-only shape).
Picklist values are the systems' default spellings from seeds/vocabulary (vocabulary.py).
CSV timestamps are written as the connectors deliver them (Salesforce
``2024-01-01T18:01:33.000+0000``, Marketo ``2024-01-01T18:01:33Z``, HubSpot epoch milliseconds
``1704132093000``); Parquet is typed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.generator.arrow import ids, labels
from orchestration.generator.config import ACT_NAMES, SITE, URL_PATHS
from orchestration.generator.vocabulary import Vocabulary, key
from orchestration.ingestion.systems import MARKETO, SYSTEMS

SHAPES: dict[str, tuple[str, ...]] = {
    "landing": (),
    "salesforce": ("salesforce",),
    "marketo": ("marketo",),
    "salesforce+marketo": ("salesforce", "marketo"),
    "hubspot": ("hubspot",),
}
SALESFORCE_DIGITS = 12
# Salesforce key prefixes of each kind of record.
SF = {
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
MARKETO_PERSON = "marketo:"  # the warehouse's lead id of a Marketo person no CRM lead matches
# ISO 3166-1 English short names (the common form) of the generator's countries.
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
TIMESTAMP_TEXT = {"salesforce": "%Y-%m-%dT%H:%M:%S.000+0000", "marketo": "%Y-%m-%dT%H:%M:%SZ"}
EPOCH_MS_SYSTEMS = ("hubspot",)  # CSV timestamps in epoch milliseconds, as HubSpot's APIs give
SFDC_SYNCED_SHARE = 0.85  # of Marketo leads carrying their Salesforce lead id
# The text each activity's detail carries where the vendor has one (form name, program status,
# task subject); checked against the seed, with the seed's own text as the fallback.
DETAILS = {
    "demo_request": "Request a Demo",
    "trial_signup": "Free Trial Sign-up",
    "consultation_request": "Book a Consultation",
    "case_study_download": "Case Study Download",
    "content_download": "Guide Download",
    "form_submit": "Contact Us",
    "webinar_registered": "Registered",
    "webinar_attended": "Attended",
    "event_attended": "Visited Booth",
    "sales_call": "Call",
    "sales_email": "Following up on your enquiry",
    "email_reply": "Re: Following up on your enquiry",
    "meeting_held": "Meeting",
}
# The column of each vendor activity table whose text the warehouse matches detail_contains to
# (docs/sources.md, Activities); tables not listed carry no detail.
DETAIL_COLUMN = {
    ("marketo", "activity_visit_webpage"): "webpage_url",
    ("marketo", "activity_fill_out_form"): "primary_attribute_value",
    ("marketo", "activity_change_status_in_progression"): "new_status",
    ("salesforce", "task"): "subject",
    ("hubspot", "contact_form_submission"): "form_id",  # the name of the form (form.name)
}
SALESFORCE_EVENT_TYPES = ("meeting",)  # keys of the vendor types that are Events, not Tasks
# Keys of HubSpot's vendor types by table: e-mail events, sales engagements, form submissions.
HUBSPOT_EMAIL_EVENT_TYPES = ("open", "click", "bounce", "statuschange", "spamreport")
HUBSPOT_ENGAGEMENT_TYPES = ("call", "email", "incomingemail", "meeting")
HUBSPOT_FORM_TYPE = "formsubmission"
ToIds = Callable[[np.ndarray], pa.Array]  # id numbers -> the ids of a system
ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}


class Landed(Protocol):
    """A landing table's rows in delivery order with each row's batch (core.Delivery)."""

    data: pa.Table
    batch: np.ndarray
    final: pa.Table


@dataclass(frozen=True)
class Rows:
    data: pa.Table
    batch: np.ndarray


@dataclass(frozen=True)
class Home:
    """Where an activity type goes in a shape: a vendor table (with the detail text it
    carries, None when the detail is the row's URL or the table has none) or the landing."""

    system: str  # 'salesforce', 'marketo' or 'landing'
    table: str
    vendor_type: str = ""
    detail: str | None = None


@dataclass
class Shaped:
    """A world in a vendor shape: the landing tables it still needs and the vendor tables
    ('<system>/<table>'), typed, plus what the dirty rows copy from."""

    shape: str
    landing: dict[str, Rows]
    vendor: dict[str, Rows]
    homes: dict[str, Home]
    n_leads: int  # the largest landing lead number
    n_activities: int
    vocabulary: Vocabulary
    counts: dict[str, int] = field(default_factory=dict)

    def vendor_files(self, file_format: str) -> dict[str, Rows]:
        """The vendor tables as written: typed for Parquet, vendor timestamp text for CSV."""
        if file_format == "parquet":
            return self.vendor
        return {
            name: Rows(as_text(rows.data, name.split("/")[0]), rows.batch)
            for name, rows in self.vendor.items()
        }


def check_shape(shape: str) -> str:
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    return shape


# --- ids -------------------------------------------------------------------------------------


def numbers(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The number of each landing id ('L0000123' -> 123); 0 for null."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        dictionary = numbers(values.dictionary)
        index = values.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        out = dictionary[index] if dictionary.size else np.zeros(len(values), dtype=np.int64)
        if values.null_count:
            out = np.where(values.is_null().to_numpy(zero_copy_only=False), 0, out)
        return out
    digits = pc.utf8_ltrim(values, characters="ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return pc.cast(digits, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)


def sf_ids(kind: str, number: np.ndarray) -> pa.Array:
    """Salesforce ids: prefix + the number in 12 digits; null where number <= 0."""
    return ids(SF[kind], number, SALESFORCE_DIGITS)


def marketo_ids(number: np.ndarray) -> pa.Array:
    """Marketo integer ids; null where number <= 0."""
    number = np.asarray(number, dtype=np.int64)
    return pa.array(number, pa.int64(), mask=number <= 0)


def text_ids(number: np.ndarray, prefix: str = "") -> pa.Array:
    """The number as text (with a prefix); null where number <= 0."""
    text = pc.cast(marketo_ids(number), pa.string())
    return pc.binary_join_element_wise(prefix, text, "") if prefix else text


def remap(values: pa.Array | pa.ChunkedArray, new_ids: ToIds) -> pa.Array:
    """A landing id column with every id replaced by ``new_ids(numbers)``, keeping nulls."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        dictionary = new_ids(numbers(values.dictionary))
        return pa.DictionaryArray.from_arrays(values.indices, dictionary)
    return new_ids(numbers(values))


def _lead_ref(shape: str) -> ToIds:
    """How a landing row in this shape references a lead: the id the warehouse gives it."""
    if "salesforce" in SHAPES[shape]:
        return lambda number: sf_ids("lead", number)
    if "hubspot" in SHAPES[shape]:  # the contact id as text
        return text_ids
    return lambda number: text_ids(number, MARKETO_PERSON)


def _account_ref(shape: str, accounts: pa.Table) -> ToIds:
    """How a vendor row in this shape references an account: Salesforce's id when Salesforce
    holds the accounts, else exactly the id the landed account rows carry."""
    if "salesforce" in SHAPES[shape]:
        return lambda number: sf_ids("account", number)
    account_ids = accounts.column("account_id").combine_chunks()
    if pa.types.is_dictionary(account_ids.type):
        account_ids = account_ids.cast(pa.string())
    account_number = numbers(account_ids)
    row_of = np.full(int(account_number.max(initial=0)) + 1, -1, dtype=np.int64)
    row_of[account_number] = np.arange(account_number.size)

    def ref(number: np.ndarray) -> pa.Array:
        number = np.asarray(number, dtype=np.int64)
        known = (number > 0) & (number < row_of.size)
        row = np.where(known, row_of[np.where(known, number, 0)], -1)
        unknown = sorted(set(number[(number > 0) & (row < 0)].tolist()))
        if unknown:
            raise ValueError(f"leads reference accounts no account row has: {unknown[:5]}")
        return account_ids.take(pa.array(np.maximum(row, 0), mask=row < 0))

    return ref


def _campaign_ref(shape: str) -> ToIds:
    """How a landing row references a campaign: Salesforce's in the salesforce shape, else
    the Marketo program's (or, in the hubspot shape, the landed campaign's) number."""
    if shape == "salesforce":
        return lambda number: sf_ids("campaign", number)
    return text_ids


# --- vocabulary ------------------------------------------------------------------------------


def activity_homes(shape: str, vocabulary: Vocabulary) -> dict[str, Home]:
    """The home of every activity type in a shape, each checked to map back to its type."""
    systems = SHAPES[shape]
    homes = {}
    for activity_type in ACT_NAMES:
        carried = [
            s
            for s in ("marketo", "hubspot", "salesforce")
            if s in systems
            and any(
                r["source_system"] == s and r["activity_type"] == activity_type
                for r in vocabulary.activities
            )
        ]
        if activity_type == "email_reply":
            # An exception: HubSpot's INCOMING_EMAIL engagement is a reply, but the demo data's
            # replies carry a campaign and an engagement cannot, so they stay landed.
            carried = [s for s in carried if s != "hubspot"]
        if not carried:
            homes[activity_type] = Home("landing", "activities")
            continue
        system = carried[0]
        vendor_type, contains = vocabulary.activity_spelling(system, activity_type)
        table = _activity_table(system, vendor_type)
        column = DETAIL_COLUMN.get((system, table))
        if column == "webpage_url":  # the detail is the page: each URL must map back
            for path in URL_PATHS.get(activity_type, ()):
                found = vocabulary.activity_of(system, vendor_type, SITE + path)
                if found != activity_type:
                    raise ValueError(
                        f"{system} {vendor_type} of {SITE + path} maps to {found!r}, not "
                        f"{activity_type!r}: check seeds/vocabulary/activity_type_vocabulary.csv"
                    )
            homes[activity_type] = Home(system, table, vendor_type)
            continue
        if column is None:  # nothing is matched on: the vendor type alone must map back
            if vocabulary.activity_of(system, vendor_type, None) != activity_type:
                raise ValueError(
                    f"{system} {vendor_type} does not map back to {activity_type!r}: check "
                    "seeds/vocabulary/activity_type_vocabulary.csv"
                )
            homes[activity_type] = Home(system, table, vendor_type, DETAILS.get(activity_type))
            continue
        for detail in (DETAILS.get(activity_type), contains.title(), vendor_type):
            if detail and vocabulary.activity_of(system, vendor_type, detail) == activity_type:
                homes[activity_type] = Home(system, table, vendor_type, detail)
                break
        else:
            raise ValueError(
                f"no {system} {vendor_type} detail maps back to {activity_type!r}: check "
                "seeds/vocabulary/activity_type_vocabulary.csv"
            )
    return homes


def _activity_table(system: str, vendor_type: str) -> str:
    if system == "salesforce":
        return "event" if key(vendor_type) in SALESFORCE_EVENT_TYPES else "task"
    if system == "hubspot":
        if key(vendor_type) == HUBSPOT_FORM_TYPE:
            return "contact_form_submission"
        if key(vendor_type) in HUBSPOT_ENGAGEMENT_TYPES:
            return "engagement"
        if key(vendor_type) in HUBSPOT_EMAIL_EVENT_TYPES:
            return "email_event"
        raise ValueError(f"no HubSpot activity table for vendor type {vendor_type!r}")
    for name in MARKETO.tables:
        if name.startswith("activity_") and key(name.removeprefix("activity_")) == key(vendor_type):
            return name
    raise ValueError(f"no Marketo activity table for vendor type {vendor_type!r}")


def _spelled(
    values: pa.Array | pa.ChunkedArray,
    spell: Callable[[str], str],
    check: Callable[[str], str | None],
    what: str,
) -> pa.Array:
    """A dictionary column of landing values in the vendor's spelling, each checked to map
    back to the value it stands for."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_dictionary(values.type):
        values = values.dictionary_encode()
    spellings = []
    for value in values.dictionary.to_pylist():
        spelling = spell(value)
        back = check(spelling)
        if (back or "").lower() != value.lower():
            raise ValueError(f"the {what} spelling {spelling!r} of {value!r} maps to {back!r}")
        spellings.append(spelling)
    return pa.DictionaryArray.from_arrays(values.indices, pa.array(spellings, pa.string()))


def country_names(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_dictionary(values.type):
        values = values.dictionary_encode()
    codes = values.dictionary.to_pylist()
    missing = sorted(set(codes) - set(COUNTRY_NAMES))
    if missing:
        raise ValueError(f"no country name for {missing}")
    names = pa.array([COUNTRY_NAMES[c] for c in codes], pa.string())
    return pa.DictionaryArray.from_arrays(values.indices, names)


# --- tables ----------------------------------------------------------------------------------


def vendor_table(system: str, name: str, columns: dict[str, Any], n: int) -> pa.Table:
    """A vendor table with every systems.py column in its order and type; optional columns
    without a value are null, a missing required column or an unknown one is a bug."""
    spec = SYSTEMS[system].tables[name]
    unknown = sorted(set(columns) - set(spec.column_names))
    if unknown:
        raise ValueError(f"{system}.{name}: unknown columns {unknown}")
    out = {}
    for column in spec.columns:
        wanted = ARROW_TYPES[column.type]
        if column.name not in columns:
            if column.required:
                raise ValueError(f"{system}.{name}: required column {column.name} missing")
            out[column.name] = pa.nulls(n, wanted)
            continue
        value = columns[column.name]
        if isinstance(value, pa.ChunkedArray):
            value = value.combine_chunks()
        elif not isinstance(value, pa.Array):  # a constant
            value = pa.array(np.full(n, value) if n else [], wanted)
        if pa.types.is_dictionary(value.type) and wanted == pa.string():
            pass
        elif value.type != wanted:
            value = value.cast(wanted)
        if len(value) != n:
            raise ValueError(f"{system}.{name}.{column.name}: {len(value)} values, not {n}")
        out[column.name] = value
    return pa.table(out)


def epoch_ms(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A timestamp column as integer epoch milliseconds."""
    return values.cast(pa.timestamp("ms")).cast(pa.int64())


def timestamp_text(values: pa.Array | pa.ChunkedArray, system: str) -> pa.Array | pa.ChunkedArray:
    """A timestamp column as the text the system's connector writes in CSV."""
    if system in EPOCH_MS_SYSTEMS:
        return epoch_ms(values).cast(pa.string())
    return pc.strftime(values.cast(pa.timestamp("s")), format=TIMESTAMP_TEXT[system])


def as_text(data: pa.Table, system: str) -> pa.Table:
    """Timestamp columns as the system's connector writes them in CSV (epoch milliseconds as
    integers, which the CSV writer leaves unquoted)."""
    columns = []
    for column in data.columns:
        if pa.types.is_timestamp(column.type):
            if system in EPOCH_MS_SYSTEMS:
                column = epoch_ms(column)
            else:
                column = timestamp_text(column, system)
        columns.append(column)
    return pa.table(columns, names=data.column_names)


def _midnight(days: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A DATE column as timestamps at midnight."""
    if isinstance(days, pa.ChunkedArray):
        days = days.combine_chunks()
    values = days.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    mask = days.is_null().to_numpy(zero_copy_only=False)
    return pa.array(values * 86_400_000_000, pa.timestamp("us"), mask=mask)


def _filtered(rows: Landed | Rows, mask: np.ndarray) -> Rows:
    if mask.all():
        return Rows(rows.data, rows.batch)
    return Rows(rows.data.filter(pa.array(mask)), rows.batch[mask])


def _last_in_group(group: np.ndarray) -> np.ndarray:
    """Whether each row is the last one (in row order) of its group."""
    order = np.argsort(group, kind="stable")
    last = np.ones(group.size, dtype=bool)
    last[order[:-1]] = group[order[:-1]] != group[order[1:]]
    return last


def _with(data: pa.Table, **columns: pa.Array) -> pa.Table:
    for name, values in columns.items():
        data = data.set_column(data.schema.get_field_index(name), name, values)
    return data


# --- the shapes ------------------------------------------------------------------------------


def shape_world(
    shape: str, landed: dict[str, Landed], vocabulary: Vocabulary | None = None
) -> Shaped:
    """The world of ``landed`` (the landing tables of one single-part run) in ``shape``."""
    systems = SHAPES[check_shape(shape)]
    if not systems:
        raise ValueError("the landing shape is the landed tables themselves")
    vocabulary = vocabulary or Vocabulary.read()
    homes = activity_homes(shape, vocabulary)
    final_leads = landed["leads"].final
    n_leads = int(numbers(final_leads.column("lead_id")).max(initial=0))
    n_activities = int(numbers(landed["activities"].data.column("activity_id")).max(initial=0))
    out = Shaped(shape, {}, {}, homes, n_leads, n_activities, vocabulary)
    lead_ref, campaign_ref = _lead_ref(shape), _campaign_ref(shape)

    if "salesforce" in systems:
        out.vendor.update(_salesforce(landed, vocabulary, with_campaigns=shape == "salesforce"))
    if "marketo" in systems:
        account_ref = _account_ref(shape, landed["accounts"].data)
        out.vendor.update(_marketo(landed, account_ref, with_crm="salesforce" in systems))
    if "hubspot" in systems:
        from orchestration.generator.hubspot_shape import hubspot_tables

        out.vendor.update(hubspot_tables(landed, vocabulary))
    activities = landed["activities"]
    on_landing = _type_mask(activities.data, [t for t, h in homes.items() if h.system == "landing"])
    if "hubspot" in systems:
        # A HubSpot e-mail event names its contact by the recipient's address alone: the events
        # of a lead whose e-mail is missing or shared by another lead could not be attributed
        # to it, so they stay landed (with the lead's id).
        events = [t for t, h in homes.items() if (h.system, h.table) == ("hubspot", "email_event")]
        blind = unattributable_by_email(final_leads)
        lead = numbers(activities.data.column("lead_id"))
        on_landing |= _type_mask(activities.data, events) & blind[lead]
    out.vendor.update(_activities(activities, homes, landed["campaigns"], ~on_landing, final_leads))

    # What the systems cannot carry goes through the landing contract, referencing them.
    if on_landing.any():
        kept = _filtered(activities, on_landing)
        data = _with(
            kept.data,
            lead_id=remap(kept.data.column("lead_id"), lead_ref),
            campaign_id=remap(kept.data.column("campaign_id"), campaign_ref),
        )
        out.landing["activities"] = Rows(data, kept.batch)
    spend = landed["campaign_spend"]
    out.landing["campaign_spend"] = Rows(
        _with(spend.data, campaign_id=remap(spend.data.column("campaign_id"), campaign_ref)),
        spend.batch,
    )
    if shape == "hubspot":  # no HubSpot table holds the campaigns: landed, by number
        campaigns = landed["campaigns"]
        campaign_id = remap(campaigns.data.column("campaign_id"), campaign_ref)
        out.landing["campaigns"] = Rows(
            _with(campaigns.data, campaign_id=campaign_id), campaigns.batch
        )
    if not any(SYSTEMS[s].role == "crm" for s in systems):  # the CRM tables, referencing the
        # Marketo persons
        out.landing["accounts"] = Rows(landed["accounts"].data, landed["accounts"].batch)
        for name in ("lead_status_history", "opportunities"):
            rows = landed[name]
            lead_id = remap(rows.data.column("lead_id"), lead_ref)
            out.landing[name] = Rows(_with(rows.data, lead_id=lead_id), rows.batch)
        history = landed["opportunity_stage_history"]
        out.landing["opportunity_stage_history"] = Rows(history.data, history.batch)
    out.counts = {name: rows.data.num_rows for name, rows in out.vendor.items()}
    return out


def _type_mask(activities: pa.Table, types: list[str]) -> np.ndarray:
    column = activities.column("activity_type").combine_chunks()
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    wanted = np.isin(np.array(column.dictionary.to_pylist(), dtype=object), types)
    index = column.indices.to_numpy(zero_copy_only=False)
    return wanted[index] if index.size else np.zeros(0, dtype=bool)


def _salesforce(
    landed: dict[str, Landed], vocabulary: Vocabulary, *, with_campaigns: bool
) -> dict[str, Rows]:
    out: dict[str, Rows] = {}
    system = "salesforce"

    # Status changes: LeadHistory rows of field Status, old and new value spelled.
    statuses = landed["lead_status_history"].data
    status = _spelled(
        statuses.column("status"),
        lambda v: vocabulary.status_spelling(system, v),
        lambda s: vocabulary.status_of(system, s),
        "Salesforce lead status",
    )
    status_lead = numbers(statuses.column("lead_id"))
    n_status = statuses.num_rows
    status_index = status.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    order = np.lexsort((np.arange(n_status), status_lead))  # by lead, then in time order
    same = status_lead[order][1:] == status_lead[order][:-1]
    previous = np.full(n_status, -1, dtype=np.int64)
    previous[order[1:][same]] = status_index[order[:-1][same]]
    leads = landed["leads"]
    n_numbers = int(max(status_lead.max(initial=0), numbers(leads.final["lead_id"]).max())) + 1
    first_status = np.full(n_numbers, -1, dtype=np.int64)
    last_status = np.full(n_numbers, -1, dtype=np.int64)
    starts = order[np.concatenate([[True], ~same])] if n_status else order
    ends = order[np.concatenate([~same, [True]])] if n_status else order
    first_status[status_lead[starts]] = status_index[starts]
    last_status[status_lead[ends]] = status_index[ends]
    spellings = status.dictionary
    out["salesforce/lead_history"] = Rows(
        vendor_table(
            system,
            "lead_history",
            {
                "id": sf_ids("lead_history", np.arange(1, n_status + 1)),
                "lead_id": sf_ids("lead", status_lead),
                "field": "Status",
                "old_value": pa.DictionaryArray.from_arrays(
                    pa.array(np.maximum(previous, 0).astype(np.int32), mask=previous < 0),
                    spellings,
                ),
                "new_value": status,
                "created_date": statuses.column("changed_at"),
                "created_by_id": statuses.column("changed_by"),
            },
            n_status,
        ),
        landed["lead_status_history"].batch,
    )

    # Deals: stages spelled; each deal with a lead gets its contact role, in the batch the
    # deal first arrives in; the lead records its first deal and its contact.
    opportunities = landed["opportunities"]
    opps = opportunities.data
    opp_number = numbers(opps.column("opportunity_id"))
    opp_lead = numbers(opps.column("lead_id"))
    first_opportunity = np.full(n_numbers, np.iinfo(np.int64).max, dtype=np.int64)
    with_lead = opp_lead > 0
    np.minimum.at(first_opportunity, opp_lead[with_lead], opp_number[with_lead])
    has_opportunity = first_opportunity < np.iinfo(np.int64).max
    stage = opps.column("stage_name")
    spell_stage = (
        lambda v: vocabulary.stage_spelling(system, v),
        lambda s: vocabulary.stage_of(system, s),
        "Salesforce opportunity stage",
    )
    closed_at = opps.column("closed_at").combine_chunks()
    out["salesforce/opportunity"] = Rows(
        vendor_table(
            system,
            "opportunity",
            {
                "id": sf_ids("opportunity", opp_number),
                "account_id": sf_ids("account", numbers(opps.column("account_id"))),
                "stage_name": _spelled(stage, *spell_stage),
                "amount": opps.column("amount"),
                "is_closed": opps.column("is_closed"),
                "is_won": opps.column("is_won"),
                "close_date": closed_at.cast(pa.date32()),
                "created_date": opps.column("created_at"),
                "last_modified_date": opps.column("updated_at"),
                "lead_source": opps.column("lead_source"),
                "is_deleted": False,
            },
            opps.num_rows,
        ),
        opportunities.batch,
    )
    _unique, first_row = np.unique(opp_number, return_index=True)
    first_row = np.sort(first_row)
    first_row = first_row[opp_lead[first_row] > 0]
    n_roles = first_row.size
    out["salesforce/opportunity_contact_role"] = Rows(
        vendor_table(
            system,
            "opportunity_contact_role",
            {
                "id": sf_ids("opportunity_contact_role", opp_number[first_row]),
                "opportunity_id": sf_ids("opportunity", opp_number[first_row]),
                "contact_id": sf_ids("contact", opp_lead[first_row]),
                "is_primary": True,
            },
            n_roles,
        ),
        opportunities.batch[first_row],
    )
    history = landed["opportunity_stage_history"]
    n_history = history.data.num_rows
    out["salesforce/opportunity_history"] = Rows(
        vendor_table(
            system,
            "opportunity_history",
            {
                "id": sf_ids("opportunity_history", np.arange(1, n_history + 1)),
                "opportunity_id": sf_ids(
                    "opportunity", numbers(history.data.column("opportunity_id"))
                ),
                "stage_name": _spelled(history.data.column("stage_name"), *spell_stage),
                "created_date": history.data.column("changed_at"),
            },
            n_history,
        ),
        history.batch,
    )

    # Leads: every version the landing delivers. A merged lead is deleted with its master
    # record set (Salesforce deletes the loser of a merge); the status is the current one
    # (on a first version, delivered before later changes, the status it was created with).
    data = leads.data
    lead = numbers(data.column("lead_id"))
    merged_into = numbers(data.column("merged_into_lead_id"))
    current = _last_in_group(lead)
    status_now = np.where(current, last_status[lead], first_status[lead])
    converted = has_opportunity[lead]
    is_deleted = pc.or_(data.column("is_deleted").combine_chunks(), pa.array(merged_into > 0))
    out["salesforce/lead"] = Rows(
        vendor_table(
            system,
            "lead",
            {
                "id": sf_ids("lead", lead),
                "email": data.column("email"),
                "company": data.column("company_name"),
                "title": data.column("job_title"),
                "industry": data.column("industry"),
                "number_of_employees": data.column("employee_count"),
                "annual_revenue": data.column("annual_revenue"),
                "country": country_names(data.column("country")),
                "lead_source": data.column("lead_source"),
                "status": pa.DictionaryArray.from_arrays(
                    pa.array(np.maximum(status_now, 0).astype(np.int32), mask=status_now < 0),
                    spellings,
                ),
                "created_date": data.column("created_at"),
                "last_modified_date": data.column("updated_at"),
                "is_deleted": is_deleted,
                "master_record_id": sf_ids("lead", merged_into),
                "converted_account_id": sf_ids("account", numbers(data.column("account_id"))),
                "converted_contact_id": sf_ids("contact", np.where(converted, lead, 0)),
                "converted_opportunity_id": sf_ids(
                    "opportunity", np.where(converted, first_opportunity[lead], 0)
                ),
            },
            data.num_rows,
        ),
        leads.batch,
    )

    accounts = landed["accounts"]
    data = accounts.data
    out["salesforce/account"] = Rows(
        vendor_table(
            system,
            "account",
            {
                "id": sf_ids("account", numbers(data.column("account_id"))),
                "name": data.column("name"),
                "website": data.column("domain"),
                "industry": data.column("industry"),
                "number_of_employees": data.column("employee_count"),
                "billing_country": country_names(data.column("country")),
                "is_deleted": False,
            },
            data.num_rows,
        ),
        accounts.batch,
    )
    if with_campaigns:
        campaigns = landed["campaigns"]
        data = campaigns.data
        out["salesforce/campaign"] = Rows(
            vendor_table(
                system,
                "campaign",
                {
                    "id": sf_ids("campaign", numbers(data.column("campaign_id"))),
                    "name": data.column("name"),
                    "type": data.column("lead_source"),
                    "start_date": data.column("started_on"),
                    "end_date": data.column("ended_on"),
                    "is_deleted": False,
                },
                data.num_rows,
            ),
            campaigns.batch,
        )
    return out


def _marketo(landed: dict[str, Landed], account_ref: ToIds, *, with_crm: bool) -> dict[str, Rows]:
    out: dict[str, Rows] = {}
    system = "marketo"
    leads = landed["leads"]
    data = leads.data
    lead = numbers(data.column("lead_id"))
    columns: dict[str, Any] = {
        "id": marketo_ids(lead),
        "email": data.column("email"),
        "company": data.column("company_name"),
        "title": data.column("job_title"),
        "industry": data.column("industry"),
        "number_of_employees": data.column("employee_count"),
        "annual_revenue": data.column("annual_revenue"),
        "country": country_names(data.column("country")),
        "lead_source": data.column("lead_source"),
        "created_at": data.column("created_at"),
        "updated_at": data.column("updated_at"),
        "sfdc_account_id": remap(data.column("account_id"), account_ref),
    }
    if with_crm:
        synced = sfdc_synced(leads.final)
        columns["sfdc_lead_id"] = sf_ids("lead", np.where(synced[lead], lead, 0))
    out["marketo/lead"] = Rows(vendor_table(system, "lead", columns, data.num_rows), leads.batch)

    if not with_crm:  # merges: the winner's Merge Leads activity names the loser
        merged_into = numbers(data.column("merged_into_lead_id"))
        merged = merged_into > 0
        rows = _filtered(leads, merged)
        loser = lead[merged]
        out["marketo/activity_merge_leads"] = Rows(
            vendor_table(
                system,
                "activity_merge_leads",
                {
                    "id": text_ids(loser, "merge-"),
                    "lead_id": marketo_ids(merged_into[merged]),
                    "activity_date": rows.data.column("updated_at"),
                    "merge_ids": text_ids(loser),
                },
                int(merged.sum()),
            ),
            rows.batch,
        )
        # deletions: a Delete Lead activity per deleted lead, at and in the batch of its last
        # version (the Marketo lead table has no deleted flag)
        is_deleted = data.column("is_deleted").combine_chunks().fill_null(False)
        deleted = _last_in_group(lead) & is_deleted.to_numpy(zero_copy_only=False)
        rows = _filtered(leads, deleted)
        out["marketo/activity_delete_lead"] = Rows(
            vendor_table(
                system,
                "activity_delete_lead",
                {
                    "id": text_ids(lead[deleted], "delete-"),
                    "lead_id": marketo_ids(lead[deleted]),
                    "activity_date": rows.data.column("updated_at"),
                    "primary_attribute_value": "Deleted",
                },
                int(deleted.sum()),
            ),
            rows.batch,
        )

    campaigns = landed["campaigns"]
    data = campaigns.data
    number = numbers(data.column("campaign_id"))
    program: dict[str, Any] = {
        "id": marketo_ids(number),
        "name": data.column("name"),
        "channel": data.column("lead_source"),
        "start_date": _midnight(data.column("started_on")),
        "end_date": _midnight(data.column("ended_on")),
    }
    if with_crm:  # each program syncs to a Salesforce campaign: the what_id of its tasks
        program["sfdc_id"] = sf_ids("campaign", number)
    out["marketo/program"] = Rows(
        vendor_table(system, "program", program, data.num_rows), campaigns.batch
    )
    out["marketo/campaign"] = Rows(
        vendor_table(
            system,
            "campaign",
            {"id": marketo_ids(number), "program_id": marketo_ids(number)},
            data.num_rows,
        ),
        campaigns.batch,
    )
    return out


def email_sharing(final_leads: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per final lead row: its number, whether its normalised e-mail (lower-case, trimmed) is
    null or empty, and whether another lead's normalised e-mail is the same."""
    lead = numbers(final_leads.column("lead_id"))
    email = final_leads.column("email").combine_chunks()
    if pa.types.is_dictionary(email.type):
        email = email.cast(pa.string())
    normal = pc.utf8_lower(pc.utf8_trim_whitespace(email)).dictionary_encode()
    index = normal.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    counts = np.bincount(index[index >= 0], minlength=len(normal.dictionary))
    shared = np.where(index >= 0, counts[np.maximum(index, 0)] > 1, False)
    empty = np.array([v == "" for v in normal.dictionary.to_pylist()] + [True], dtype=bool)
    return lead, empty[index], shared


def unattributable_by_email(final_leads: pa.Table) -> np.ndarray:
    """Per lead number, whether a record matched by e-mail alone cannot name the lead: its
    normalised e-mail is missing, or another lead has it too."""
    lead, missing, shared = email_sharing(final_leads)
    blind = np.zeros(int(lead.max(initial=0)) + 1, dtype=bool)
    blind[lead] = missing | shared
    return blind


def sfdc_synced(final_leads: pa.Table) -> np.ndarray:
    """Per lead number, whether its Marketo lead carries the Salesforce lead id: about
    SFDC_SYNCED_SHARE of them (fixed per number), and every lead whose normalised e-mail
    another lead shares, so that stitching by e-mail is never ambiguous."""
    lead, _missing, shared = email_sharing(final_leads)
    synced = np.zeros(int(lead.max(initial=0)) + 1, dtype=bool)
    hashed = (lead.astype(np.uint64) * np.uint64(2_654_435_761)) % np.uint64(2**32)
    synced[lead] = (hashed < np.uint64(int(SFDC_SYNCED_SHARE * 2**32))) | shared
    return synced


def _activities(
    activities: Landed,
    homes: dict[str, Home],
    campaigns: Landed,
    keep: np.ndarray | None = None,
    final_leads: pa.Table | None = None,
) -> dict[str, Rows]:
    """The vendor activity tables: each landing activity (of those ``keep`` says) in the table
    of its type's home."""
    out: dict[str, Rows] = {}
    by_table: dict[tuple[str, str], list[str]] = defaultdict(list)
    for activity_type, home in homes.items():
        if home.system != "landing":
            by_table[(home.system, home.table)].append(activity_type)
    campaign_number = numbers(campaigns.data.column("campaign_id"))
    campaign_names = campaigns.data.column("name").to_pylist()
    name_of = np.full(int(campaign_number.max(initial=0)) + 1, -1, dtype=np.int64)
    name_of[campaign_number] = np.arange(campaign_number.size)
    for (system, table), types in sorted(by_table.items()):
        mask = _type_mask(activities.data, types)
        rows = _filtered(activities, mask if keep is None else mask & keep)
        if system == "hubspot":
            assert final_leads is not None
            from orchestration.generator.hubspot_shape import hubspot_activities

            out.update(hubspot_activities(table, types, rows, homes, final_leads))
            continue
        data, n = rows.data, rows.data.num_rows
        number = numbers(data.column("activity_id"))
        lead = numbers(data.column("lead_id"))
        campaign = numbers(data.column("campaign_id"))
        activity_type = data.column("activity_type").combine_chunks()
        url = data.column("url")
        detail = _details(activity_type, homes)
        if system == "salesforce":
            kind = "event" if table == "event" else "task"
            columns: dict[str, Any] = {
                "id": sf_ids(kind, number),
                "who_id": sf_ids("lead", lead),
                "type": _details(activity_type, homes, vendor_type=True),
                "subject": detail,
                "is_deleted": False,
            }
            columns["start_date_time" if kind == "event" else "created_date"] = data.column(
                "occurred_at"
            )
            if kind == "task":  # the touch's campaign: the Salesforce campaign (or the one
                # its Marketo program syncs to, program.sfdc_id), null without one
                columns["what_id"] = sf_ids("campaign", campaign)
        else:
            columns = {
                "id": text_ids(number),
                "lead_id": marketo_ids(lead),
                "activity_date": data.column("occurred_at"),
                "campaign_id": marketo_ids(campaign),
            }
            if table == "activity_visit_webpage":
                columns.update(webpage_url=url, primary_attribute_value=url)
            elif table == "activity_fill_out_form":
                columns.update(primary_attribute_value=detail, referrer_url=url)
            elif table == "activity_click_email":
                columns["link"] = url
            elif table == "activity_change_status_in_progression":
                program = name_of[campaign]  # the program's name, null without one
                columns.update(
                    new_status=detail,
                    program_id=marketo_ids(campaign),
                    primary_attribute_value=labels(program, campaign_names or [""]),
                )
        out[f"{system}/{table}"] = Rows(vendor_table(system, table, columns, n), rows.batch)
    return out


def _details(
    activity_type: pa.Array, homes: dict[str, Home], *, vendor_type: bool = False
) -> pa.Array:
    """Per row, the detail text (or the vendor type) of the row's activity type."""
    if not pa.types.is_dictionary(activity_type.type):
        activity_type = activity_type.dictionary_encode()
    texts = [
        (homes[t].vendor_type if vendor_type else homes[t].detail)
        for t in activity_type.dictionary.to_pylist()
    ]
    codes = [-1 if t is None else i for i, t in enumerate(texts)] + [-1]
    index = activity_type.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    # labels(): a unique dictionary (Parquet writes repeated entries irreproducibly), no nulls
    return labels(np.array(codes)[index], [t or "" for t in texts])
