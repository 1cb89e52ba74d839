"""The HubSpot shape of the demo world (``funnel generate --shape hubspot``; shapes.py has the
others and what they share): contacts and their property history (hs_lead_status and
lifecyclestage), merges, companies, deals with their pipeline stages, stage entries and
associations, marketing e-mail events, form submissions and engagements, each conforming back
to the landing row it came from (docs/sources.md, HubSpot).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.generator.arrow import labels
from orchestration.generator.config import OPPORTUNITY_STAGES
from orchestration.generator.shapes import (
    Home,
    Landed,
    Rows,
    _details,
    _filtered,
    _last_in_group,
    _spelled,
    _type_mask,
    country_names,
    marketo_ids,
    numbers,
    text_ids,
    vendor_table,
)
from orchestration.generator.vocabulary import Vocabulary, channel_of_source, key

HUBSPOT_PIPELINE = "default"
# hs_analytics_source (Original Source) per channel of seeds/reference/channel_mapping.csv,
# written beside the lead source for realism (the warehouse reads it only without one).
ANALYTICS_SOURCES = {
    "paid_search": "PAID_SEARCH",
    "organic_content": "ORGANIC_SEARCH",
    "referral": "REFERRALS",
    "webinar": "OTHER_CAMPAIGNS",
    "event": "OTHER_CAMPAIGNS",
    "outbound": "OFFLINE",
    "ai_referral": "AI_REFERRALS",
}
OTHER_ANALYTICS_SOURCE = "OTHER_CAMPAIGNS"
# contact_property_history.source of a landing changed_by (a person: the CRM's UI)
HISTORY_SOURCES = {"system": "AUTOMATION_PLATFORM", "list_import": "IMPORT"}
CREATED_LIFECYCLE_STAGE = "lead"  # every contact's stage when it is created

# --- HubSpot ---------------------------------------------------------------------------------


def _mapped(
    values: pa.Array | pa.ChunkedArray, spell: Callable[[str | None], str | None]
) -> pa.Array:
    """A text column with each distinct value replaced by ``spell(value)``, null where None."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_dictionary(values.type):
        values = values.dictionary_encode()
    texts = [spell(v) for v in values.dictionary.to_pylist()]
    codes = np.array([-1 if t is None else i for i, t in enumerate(texts)] + [-1])
    index = values.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return labels(codes[index], [t or "" for t in texts])


def analytics_sources(lead_source: pa.Array | pa.ChunkedArray) -> pa.Array:
    """hs_analytics_source of each lead source, by its channel; null without a lead source
    (the warehouse would read it as the lead source)."""
    channels = channel_of_source()

    def spell(text: str | None) -> str | None:
        if not (text or "").strip():
            return None
        return ANALYTICS_SOURCES.get(channels.get(key(text), ""), OTHER_ANALYTICS_SOURCE)

    return _mapped(lead_source, spell)


def _first_and_last(
    group: np.ndarray, code: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per group number (0..size-1), the code of its first and of its last row in row order
    (-1 for a group without rows)."""
    order = np.lexsort((np.arange(group.size), group))
    first = np.full(size, -1, dtype=np.int64)
    last = np.full(size, -1, dtype=np.int64)
    if group.size:
        grouped = group[order]
        starts = np.concatenate([[True], grouped[1:] != grouped[:-1]])
        ends = np.concatenate([grouped[1:] != grouped[:-1], [True]])
        first[grouped[starts]] = code[order[starts]]
        last[grouped[ends]] = code[order[ends]]
    return first, last


def _micros(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(pa.int64()).to_numpy(zero_copy_only=False)


def _hubspot_history(
    landed: dict[str, Landed], vocabulary: Vocabulary, n_numbers: int
) -> tuple[Rows, dict[str, tuple[np.ndarray, np.ndarray, list[str]]]]:
    """contact_property_history: one row per landing status row, a lifecycle stage where one
    implies the status (Qualified: salesqualifiedlead, Converted: opportunity), else the
    hs_lead_status spelling, each checked to map back; plus each contact's first lifecycle stage
    ('lead', a stage without a status) when it is created. Also, per property and lead number,
    the first and last value code and the values, for the contact's current properties."""
    system = "hubspot"
    statuses = landed["lead_status_history"]
    data = statuses.data
    status = data.column("status").combine_chunks()
    if not pa.types.is_dictionary(status.type):
        status = status.dictionary_encode()
    properties = ["hs_lead_status", "lifecyclestage"]
    values: list[str] = []
    property_of: list[int] = []
    for value in status.dictionary.to_pylist():
        stage = vocabulary.lifecycle_spelling(system, value)
        if stage is not None:
            known, back = vocabulary.lifecycle_of(system, stage)
            property_of.append(1)
        else:
            stage = vocabulary.status_spelling(system, value)
            known, back = True, vocabulary.status_of(system, stage)
            property_of.append(0)
        if not known or (back or "").lower() != value.lower():
            raise ValueError(
                f"the HubSpot {properties[property_of[-1]]} {stage!r} of the status {value!r} "
                f"maps to {back!r}: check seeds/vocabulary"
            )
        values.append(stage)
    if vocabulary.lifecycle_of(system, CREATED_LIFECYCLE_STAGE) != (True, None):
        raise ValueError(
            f"the lifecycle stage {CREATED_LIFECYCLE_STAGE!r} must be known and imply no status: "
            "check seeds/vocabulary/lifecycle_stage_vocabulary.csv"
        )
    values.append(CREATED_LIFECYCLE_STAGE)
    value_code = status.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    name_code = np.array(property_of + [1], dtype=np.int64)[value_code]
    lead = numbers(data.column("lead_id"))
    t = _micros(data.column("changed_at"))
    by = data.column("changed_by").combine_chunks()
    if not pa.types.is_dictionary(by.type):
        by = by.dictionary_encode()
    people = by.dictionary.to_pylist()
    by_code = by.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)

    # Each contact enters the lifecycle as a lead when created, in its first version's batch,
    # unless a status row of that contact and property has that very moment (the key).
    leads = landed["leads"]
    versions = numbers(leads.data.column("lead_id"))
    _unique, first = np.unique(versions, return_index=True)
    created_lead = versions[first]
    created_t = _micros(leads.data.column("created_at").take(pa.array(first)))
    lifecycle = name_code == 1
    both_lead = np.concatenate([lead[lifecycle], created_lead])
    both_t = np.concatenate([t[lifecycle], created_t])
    source = np.concatenate(
        [np.zeros(int(lifecycle.sum()), dtype=np.int64), np.ones(first.size, dtype=np.int64)]
    )
    order = np.lexsort((source, both_t, both_lead))
    same = np.zeros(both_lead.size, dtype=bool)
    same[1:] = (both_lead[order][1:] == both_lead[order][:-1]) & (
        both_t[order][1:] == both_t[order][:-1]
    )
    taken = np.zeros(both_lead.size, dtype=bool)
    taken[order] = same
    created = ~taken[int(lifecycle.sum()) :]
    n_created = int(created.sum())

    contact = np.concatenate([lead, created_lead[created]])
    moment = np.concatenate([t, created_t[created]])
    names = np.concatenate([name_code, np.ones(n_created, dtype=np.int64)])
    codes = np.concatenate([value_code, np.full(n_created, len(values) - 1, dtype=np.int64)])
    who = np.concatenate([by_code, np.full(n_created, -1, dtype=np.int64)])
    batch = np.concatenate([statuses.batch, leads.batch[first][created]])
    order = np.lexsort((np.arange(contact.size), contact, moment, batch))
    contact, moment, names, codes, who, batch = (
        a[order] for a in (contact, moment, names, codes, who, batch)
    )
    sources = [HISTORY_SOURCES.get(p, "CRM_UI") for p in people]
    n = contact.size
    rows = Rows(
        vendor_table(
            system,
            "contact_property_history",
            {
                "contact_id": marketo_ids(contact),
                "name": labels(names, properties),
                "value": labels(codes, values),
                "timestamp": pa.array(moment, pa.timestamp("us")),
                "source": labels(who, sources or [""]),
                "source_id": labels(who, people or [""]),
            },
            n,
        ),
        batch,
    )
    current = {}
    for code, name in enumerate(properties):
        mine = names == code
        first_value, last_value = _first_and_last(contact[mine], codes[mine], n_numbers)
        current[name] = (first_value, last_value, values)
    return rows, current


def hubspot_tables(landed: dict[str, Landed], vocabulary: Vocabulary) -> dict[str, Rows]:
    """HubSpot's CRM tables: contacts (with merges), their property history, companies,
    deals with their pipeline stages, stage history and associations."""
    out: dict[str, Rows] = {}
    system = "hubspot"
    leads = landed["leads"]
    data = leads.data
    lead = numbers(data.column("lead_id"))
    status_lead = numbers(landed["lead_status_history"].data.column("lead_id"))
    n_numbers = int(max(lead.max(initial=0), status_lead.max(initial=0))) + 1
    out["hubspot/contact_property_history"], current = _hubspot_history(
        landed, vocabulary, n_numbers
    )

    # Contacts: every version the landing delivers. A merged contact is deleted (HubSpot
    # removes the merged contact) and its merge is a contact_merge_audit row, delivered with
    # its first merged version. The current lifecycle stage and lead status are the last ones
    # (on a first version, delivered before later changes, the first ones).
    merged_into = numbers(data.column("merged_into_lead_id"))
    now = _last_in_group(lead)
    properties = {}
    for name, (first_value, last_value, values) in current.items():
        code = np.where(now, last_value[lead], first_value[lead])
        properties[f"property_{name}"] = labels(code, values)
    lead_source = data.column("lead_source")
    out["hubspot/contact"] = Rows(
        vendor_table(
            system,
            "contact",
            {
                "id": marketo_ids(lead),
                "property_email": data.column("email"),
                "property_company": data.column("company_name"),
                "property_jobtitle": data.column("job_title"),
                "property_industry": data.column("industry"),
                "property_numemployees": data.column("employee_count").cast(pa.string()),
                "property_annualrevenue": data.column("annual_revenue"),
                "property_country": country_names(data.column("country")),
                "property_lead_source": lead_source,
                "property_hs_analytics_source": analytics_sources(lead_source),
                **properties,
                "property_associatedcompanyid": marketo_ids(numbers(data.column("account_id"))),
                "property_createdate": data.column("created_at"),
                "property_lastmodifieddate": data.column("updated_at"),
                "_fivetran_deleted": pc.or_(
                    data.column("is_deleted").combine_chunks(), pa.array(merged_into > 0)
                ),
            },
            data.num_rows,
        ),
        leads.batch,
    )
    merged = np.flatnonzero(merged_into > 0)
    _unique, first = np.unique(lead[merged], return_index=True)
    merged = np.sort(merged[first])  # each merged lead's first merged version
    out["hubspot/contact_merge_audit"] = Rows(
        vendor_table(
            system,
            "contact_merge_audit",
            {
                "contact_id": marketo_ids(merged_into[merged]),
                "canonical_vid": marketo_ids(merged_into[merged]),
                "vid_to_merge": marketo_ids(lead[merged]),
                "timestamp": data.column("updated_at").take(pa.array(merged, pa.int64())),
            },
            merged.size,
        ),
        leads.batch[merged],
    )

    accounts = landed["accounts"]
    data = accounts.data
    out["hubspot/company"] = Rows(
        vendor_table(
            system,
            "company",
            {
                "id": marketo_ids(numbers(data.column("account_id"))),
                "property_name": data.column("name"),
                "property_domain": data.column("domain"),
                "property_industry": data.column("industry"),
                "property_numberofemployees": data.column("employee_count"),
                "property_country": country_names(data.column("country")),
                "is_deleted": False,
            },
            data.num_rows,
        ),
        accounts.batch,
    )

    # The default pipeline: a stage per canonical stage, its id the key of its label.
    stage_ids: dict[str, str] = {}
    stage_of_id: dict[str, str] = {}
    labels_of: list[str] = []
    for stage in OPPORTUNITY_STAGES:
        label = vocabulary.stage_spelling(system, stage)
        stage_id = key(label)
        for spelling in (label, stage_id):
            if vocabulary.stage_of(system, spelling) != stage:
                raise ValueError(
                    f"the HubSpot deal stage {spelling!r} of {stage!r} maps to "
                    f"{vocabulary.stage_of(system, spelling)!r}: check seeds/vocabulary"
                )
        if stage_id in stage_of_id:
            raise ValueError(f"two HubSpot deal stages have the id {stage_id!r}")
        stage_ids[stage], stage_of_id[stage_id] = stage_id, stage
        labels_of.append(label)
    n_open = sum(not s.startswith("Closed") for s in OPPORTUNITY_STAGES)
    probability = [
        1.0 if s == "Closed Won" else 0.0 if s == "Closed Lost" else (i + 1) / (n_open + 1)
        for i, s in enumerate(OPPORTUNITY_STAGES)
    ]
    n_stages = len(OPPORTUNITY_STAGES)
    out["hubspot/deal_pipeline_stage"] = Rows(
        vendor_table(
            system,
            "deal_pipeline_stage",
            {
                "stage_id": pa.array([stage_ids[s] for s in OPPORTUNITY_STAGES]),
                "pipeline_id": HUBSPOT_PIPELINE,
                "label": pa.array(labels_of),
                "display_order": pa.array(np.arange(n_stages)),
                "probability": pa.array(probability),
                "closed_won": pa.array([s == "Closed Won" for s in OPPORTUNITY_STAGES]),
                "_fivetran_deleted": False,
            },
            n_stages,
        ),
        np.ones(n_stages, dtype=np.int16),
    )
    spell_stage = (
        lambda v: stage_ids[v],
        lambda s: stage_of_id.get(s),
        "HubSpot deal stage",
    )

    opportunities = landed["opportunities"]
    opps = opportunities.data
    opp_number = numbers(opps.column("opportunity_id"))
    lead_source = opps.column("lead_source")
    out["hubspot/deal"] = Rows(
        vendor_table(
            system,
            "deal",
            {
                "deal_id": marketo_ids(opp_number),
                "deal_pipeline_id": HUBSPOT_PIPELINE,
                "deal_pipeline_stage_id": _spelled(opps.column("stage_name"), *spell_stage),
                "property_amount": opps.column("amount"),
                "property_closedate": opps.column("closed_at"),
                "property_createdate": opps.column("created_at"),
                "property_hs_lastmodifieddate": opps.column("updated_at"),
                "property_lead_source": lead_source,
                "property_hs_analytics_source": analytics_sources(lead_source),
                "property_hs_is_closed": opps.column("is_closed"),
                "property_hs_is_closed_won": opps.column("is_won"),
                "is_deleted": False,
            },
            opps.num_rows,
        ),
        opportunities.batch,
    )
    # A deal's contact and company: one association each, with the deal's first version.
    _unique, first_row = np.unique(opp_number, return_index=True)
    first_row = np.sort(first_row)
    for table, column, kind in (
        ("deal_contact", "contact_id", "lead_id"),
        ("deal_company", "company_id", "account_id"),
    ):
        other = numbers(opps.column(kind))
        rows = first_row[other[first_row] > 0]
        out[f"hubspot/{table}"] = Rows(
            vendor_table(
                system,
                table,
                {"deal_id": marketo_ids(opp_number[rows]), column: marketo_ids(other[rows])},
                rows.size,
            ),
            opportunities.batch[rows],
        )
    history = landed["opportunity_stage_history"]
    out["hubspot/deal_stage"] = Rows(
        vendor_table(
            system,
            "deal_stage",
            {
                "deal_id": marketo_ids(numbers(history.data.column("opportunity_id"))),
                "value": _spelled(history.data.column("stage_name"), *spell_stage),
                "date_entered": history.data.column("changed_at"),
            },
            history.data.num_rows,
        ),
        history.batch,
    )
    return out


def _emails_of(final_leads: pa.Table, lead: np.ndarray) -> pa.Array:
    """The final e-mail (as delivered) of each lead number."""
    final_number = numbers(final_leads.column("lead_id"))
    row_of = np.full(int(max(final_number.max(initial=0), lead.max(initial=0))) + 1, -1)
    row_of[final_number] = np.arange(final_number.size)
    row = row_of[lead]
    if (row < 0).any():
        raise ValueError(f"activities of leads no lead row has: {sorted(set(lead[row < 0]))[:5]}")
    email = final_leads.column("email").combine_chunks()
    return email.take(pa.array(row))


def page_urls(url: pa.Array | pa.ChunkedArray, campaign: np.ndarray) -> pa.Array:
    """A form's page URL: the landing URL with ``?utm_campaign=<number>`` when the row has a
    campaign; null when it has neither."""
    if isinstance(url, pa.ChunkedArray):
        url = url.combine_chunks()
    url = url.cast(pa.string())
    if pc.any(pc.match_substring(url, "?")).as_py():
        raise ValueError("a form URL has a query string already: its campaign would be lost")
    query = pc.binary_join_element_wise("?utm_campaign=", text_ids(campaign), "")
    page = pc.binary_join_element_wise(url.fill_null(""), query.fill_null(""), "")
    neither = pc.and_(url.is_null(), pa.array(campaign <= 0))
    return pc.if_else(neither, pa.scalar(None, pa.string()), page)


def form_guid(name: str) -> str:
    """A form's id, from its name ('Request a Demo' -> 'form-request-a-demo')."""
    return "form-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def hubspot_activities(
    table: str, types: list[str], rows: Rows, homes: dict[str, Home], final_leads: pa.Table
) -> dict[str, Rows]:
    """A HubSpot activity table of the landing rows homed there, and its companions: the
    clicked links of e-mail events, the forms, the engagements' contacts."""
    system = "hubspot"
    out: dict[str, Rows] = {}
    data, n = rows.data, rows.data.num_rows
    number = numbers(data.column("activity_id"))
    lead = numbers(data.column("lead_id"))
    campaign = numbers(data.column("campaign_id"))
    activity_type = data.column("activity_type").combine_chunks()
    vendor_type = _details(activity_type, homes, vendor_type=True)
    if table == "email_event":
        out["hubspot/email_event"] = Rows(
            vendor_table(
                system,
                table,
                {
                    "id": text_ids(number),
                    "type": vendor_type,
                    "created": data.column("occurred_at"),
                    "recipient": _emails_of(final_leads, lead),
                    "email_campaign_id": marketo_ids(campaign),
                },
                n,
            ),
            rows.batch,
        )
        clicked = [t for t in types if key(homes[t].vendor_type) == "click"]
        clicks = _filtered(rows, _type_mask(data, clicked))
        out["hubspot/email_event_click"] = Rows(
            vendor_table(
                system,
                "email_event_click",
                {
                    "id": text_ids(numbers(clicks.data.column("activity_id"))),
                    "url": clicks.data.column("url"),
                },
                clicks.data.num_rows,
            ),
            clicks.batch,
        )
    elif table == "contact_form_submission":
        present = set(pc.unique(activity_type.cast(pa.string())).to_pylist())
        forms = [t for t in types if t in present]
        out["hubspot/contact_form_submission"] = Rows(
            vendor_table(
                system,
                table,
                {
                    "conversion_id": text_ids(number),
                    "contact_id": marketo_ids(lead),
                    "form_id": _mapped(
                        activity_type,
                        lambda t: form_guid(homes[t].detail or t) if t in types else None,
                    ),
                    "timestamp": data.column("occurred_at"),
                    "page_url": page_urls(data.column("url"), campaign),
                },
                n,
            ),
            rows.batch,
        )
        out["hubspot/form"] = Rows(
            vendor_table(
                system,
                "form",
                {
                    "guid": pa.array([form_guid(homes[t].detail or t) for t in forms], pa.string()),
                    "name": pa.array([homes[t].detail for t in forms], pa.string()),
                },
                len(forms),
            ),
            np.ones(len(forms), dtype=np.int16),
        )
    elif table == "engagement":
        if (campaign > 0).any() or data.column("url").null_count < n:
            raise ValueError("an engagement has no campaign or page: a sales touch with one")
        out["hubspot/engagement"] = Rows(
            vendor_table(
                system,
                table,
                {
                    "id": marketo_ids(number),
                    "type": vendor_type,
                    "timestamp": data.column("occurred_at"),
                    "active": True,
                },
                n,
            ),
            rows.batch,
        )
        out["hubspot/engagement_contact"] = Rows(
            vendor_table(
                system,
                "engagement_contact",
                {"engagement_id": marketo_ids(number), "contact_id": marketo_ids(lead)},
                n,
            ),
            rows.batch,
        )
    else:
        raise ValueError(f"no HubSpot activity table {table!r}")
    return out
