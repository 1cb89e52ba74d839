"""Deliberately bad rows of a vendor shape (``generate(dirty=True, shape=...)``).

The landing shape's dirty rows (dirty.py) are landing rows; a vendor shape instead gets a few
of each kind a connector's data brings, per system, in ``<system>/<table>/dirty_0001.csv``
(CSV, so that a timestamp can be text no parser takes), each recorded in the manifest with its
table, keys, file and line and the outcome the warehouse is expected to give it. As for the
landing, a bad row copies a clean one and breaks one thing, and gets new keys (a new id, a
fresh e-mail), so the clean world is untouched and a check fires for the reason recorded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.generator.dirty import DIRTY_FILE
from orchestration.generator.shapes import (
    EPOCH_MS_SYSTEMS,
    SHAPES,
    Shaped,
    sf_ids,
    timestamp_text,
)
from orchestration.ingestion.systems import SYSTEMS

SHARE_PER_KIND = 0.0005
MIN_PER_KIND = 3
UNKNOWN_LEAD_STATUSES = ("Hot Prospect", "On Hold", "Pending Review")
UNKNOWN_STAGES = ("Verbal Commit", "Legal Review", "Stalled")
UNKNOWN_PROGRAM_STATUSES = ("Waitlisted", "Invited", "No Show")
UNKNOWN_HS_LEAD_STATUSES = ("HOT_PROSPECT", "ON_HOLD", "PENDING_REVIEW")
BAD_TIMESTAMPS = {
    "salesforce": ("not-a-date", "2025-13-01T00:00:00.000+0000", "31/02/2025 10:00"),
    "marketo": ("yesterday", "2025-02-30T25:00:00Z", "soon"),
    # epoch seconds (10 digits), a compact date-time (14 digits), no time at all
    "hubspot": ("1735689600", "20250101120000", "not-a-date"),
}


def _quarantined(model: str, reason: str) -> dict[str, str]:
    return {"outcome": "quarantined", "where": f"quality.{model}", "reason": reason}


def _rejected(column: str) -> dict[str, str]:
    return {"outcome": "rejected_at_load", "where": "raw._load_rejects", "reason": column}


def _excluded(reason: str) -> dict[str, str]:
    where = "quality.rpt_source_system_reconciliation"
    return {"outcome": "excluded", "where": where, "reason": reason}


# kind -> (system, vendor table, canonical table, expected outcome, shapes it is written in)
KINDS: dict[str, tuple[str, str, str, dict[str, str], tuple[str, ...]]] = {
    "salesforce_unknown_lead_status": (
        "salesforce",
        "lead_history",
        "lead_status_history",
        _quarantined("quarantine_lead_status_history", "invalid_status"),
        ("salesforce", "salesforce+marketo"),
    ),
    "salesforce_unknown_opportunity_stage": (
        "salesforce",
        "opportunity_history",
        "opportunity_stage_history",
        _quarantined("quarantine_opportunity_stage_history", "unknown_stage"),
        ("salesforce", "salesforce+marketo"),
    ),
    "salesforce_unparseable_timestamp": (
        "salesforce",
        "lead",
        "leads",
        _rejected("created_date"),
        ("salesforce", "salesforce+marketo"),
    ),
    "salesforce_merged_into_missing_lead": (
        "salesforce",
        "lead",
        "leads",
        _quarantined("quarantine_leads", "unresolved_merge"),
        ("salesforce", "salesforce+marketo"),
    ),
    "marketo_unknown_activity_status": (
        "marketo",
        "activity_change_status_in_progression",
        "activities",
        _quarantined("quarantine_activities", "unknown_activity_type"),
        ("marketo", "salesforce+marketo"),
    ),
    "marketo_unparseable_timestamp": (
        "marketo",
        "activity_visit_webpage",
        "activities",
        _rejected("activity_date"),
        ("marketo", "salesforce+marketo"),
    ),
    "marketo_merged_into_missing_lead": (
        "marketo",
        "activity_merge_leads",
        "leads",
        _quarantined("quarantine_leads", "unresolved_merge"),
        ("marketo",),
    ),
    "marketo_lead_without_crm_match": (
        "marketo",
        "lead",
        "leads",
        {
            "outcome": "own_lead",
            "where": "quality.rpt_unmatched_people",
            "reason": "no_crm_match",
            "lead_id": "marketo:<id>",
        },
        ("salesforce+marketo",),
    ),
    "hubspot_unknown_lead_status": (
        "hubspot",
        "contact_property_history",
        "lead_status_history",
        _quarantined("quarantine_lead_status_history", "invalid_status"),
        ("hubspot",),
    ),
    "hubspot_unparseable_timestamp": (
        "hubspot",
        "contact",
        "leads",
        _rejected("property_createdate"),
        ("hubspot",),
    ),
    "hubspot_merged_into_missing_lead": (
        "hubspot",
        "contact_merge_audit",
        "leads",
        _quarantined("quarantine_leads", "unresolved_merge"),
        ("hubspot",),
    ),
    "hubspot_recipient_without_contact": (
        "hubspot",
        "email_event",
        "activities",
        _excluded("no_contact_for_recipient"),
        ("hubspot",),
    ),
}
# kinds whose bad row comes with a clean companion row of its own (the merged person)
WITH_COMPANION = ("marketo_merged_into_missing_lead", "hubspot_merged_into_missing_lead")


def kinds_of(shape: str) -> list[str]:
    return [kind for kind, spec in KINDS.items() if shape in spec[4]]


def text_of(values: pa.Array | pa.ChunkedArray, system: str) -> list[str]:
    """CSV text of a vendor column as the system's clean CSV files spell it ('' for null)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.cast(pa.string())
    if pa.types.is_timestamp(values.type):
        values = timestamp_text(values, system)
    elif pa.types.is_date(values.type):
        values = pc.strftime(values, format="%Y-%m-%d")
    elif pa.types.is_boolean(values.type):
        values = pc.if_else(values, "true", "false")
    else:
        values = values.cast(pa.string())
    return ["" if v is None else v for v in values.to_pylist()]


class _Source:
    """Clean rows of a vendor table as dicts of CSV text, sampled at random."""

    def __init__(
        self, rng: np.random.Generator, shaped: Shaped, name: str, where: pa.Array | None = None
    ) -> None:
        self.rng = rng
        self.system = name.split("/")[0]
        rows = shaped.vendor.get(name)
        self.data = rows.data if rows is not None else None
        if self.data is not None and where is not None:  # only the rows ``where`` says
            self.data = self.data.filter(where)

    def sample(self, count: int) -> list[dict[str, str]]:
        if self.data is None or self.data.num_rows == 0:
            return []
        size = min(count, self.data.num_rows)
        picked = np.sort(self.rng.choice(self.data.num_rows, size=size, replace=False))
        taken = self.data.take(pa.array(picked))
        columns = {c: text_of(taken.column(c), self.system) for c in taken.column_names}
        return [{c: columns[c][i] for c in columns} for i in range(size)]


def _plus_seconds(text: str, seconds: int, system: str) -> str:
    if system in EPOCH_MS_SYSTEMS:
        return str(int(text) + 1000 * seconds)
    moment = np.datetime64(text[:19], "s") + np.timedelta64(seconds, "s")
    value = pa.array([int(moment.astype("datetime64[s]").astype(np.int64))], pa.timestamp("s"))
    return text_of(value, system)[0]


def _fresh_email(email: str, number: int, prefix: str = "x") -> str:
    local, _, domain = email.partition("@")
    return f"{prefix}{number}.{local}@{domain or 'example.com'}"


def write_vendor_dirty(
    rng: np.random.Generator, out_dir: Path, shaped: Shaped, files: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """Write the vendor dirty CSV files, add them to ``files``; return the manifest section."""
    kinds = kinds_of(shaped.shape)
    bad: dict[str, list[tuple[str, dict[str, str]]]] = {}  # 'system/table' -> rows
    companions: dict[str, list[int]] = {}  # kind -> positions of its companion rows

    def add(kind: str, name: str, row: dict[str, str]) -> int:
        bad.setdefault(name, []).append((kind, row))
        return len(bad[name]) - 1

    def count(name: str) -> int:
        rows = shaped.vendor.get(name)
        n = rows.data.num_rows if rows is not None else 0
        return max(MIN_PER_KIND, round(n * SHARE_PER_KIND))

    next_lead = iter(range(shaped.n_leads + 1, shaped.n_leads + 1_000_000))
    next_activity = iter(range(shaped.n_activities + 1, shaped.n_activities + 1_000_000))
    missing_lead = iter(range(2 * shaped.n_leads + 10_001, 2 * shaped.n_leads + 1_000_000))

    def sf_id(kind: str, number: int) -> str:
        return sf_ids(kind, np.array([number])).to_pylist()[0]

    if "salesforce" in SHAPES[shaped.shape]:
        name = "salesforce/lead_history"
        n_history = shaped.counts.get(name, 0)
        for i, row in enumerate(_Source(rng, shaped, name).sample(count(name))):
            row.update(
                id=sf_id("lead_history", n_history + 1 + i),
                old_value=row["new_value"],
                new_value=UNKNOWN_LEAD_STATUSES[i % len(UNKNOWN_LEAD_STATUSES)],
                created_date=_plus_seconds(row["created_date"], 2, "salesforce"),
            )
            _check_unknown(shaped, "salesforce", "status", row["new_value"])
            add("salesforce_unknown_lead_status", name, row)
        name = "salesforce/opportunity_history"
        n_history = shaped.counts.get(name, 0)
        for i, row in enumerate(_Source(rng, shaped, name).sample(count(name))):
            row.update(
                id=sf_id("opportunity_history", n_history + 1 + i),
                stage_name=UNKNOWN_STAGES[i % len(UNKNOWN_STAGES)],
                created_date=_plus_seconds(row["created_date"], 2, "salesforce"),
            )
            _check_unknown(shaped, "salesforce", "stage", row["stage_name"])
            add("salesforce_unknown_opportunity_stage", name, row)
        name = "salesforce/lead"
        leads = _Source(rng, shaped, name).sample(2 * count(name))
        for i, row in enumerate(leads):
            number = next(next_lead)
            row.update(
                id=sf_id("lead", number),
                email=_fresh_email(row["email"], number),
                is_deleted="false",
                master_record_id="",
                converted_contact_id="",
                converted_opportunity_id="",
            )
            if i % 2 == 0:
                texts = BAD_TIMESTAMPS["salesforce"]
                row["created_date"] = texts[(i // 2) % len(texts)]
                add("salesforce_unparseable_timestamp", name, row)
            else:
                row.update(master_record_id=sf_id("lead", next(missing_lead)), is_deleted="true")
                add("salesforce_merged_into_missing_lead", name, row)

    if "marketo" in SHAPES[shaped.shape]:
        name = "marketo/activity_change_status_in_progression"
        for i, row in enumerate(_Source(rng, shaped, name).sample(count(name))):
            row.update(
                id=str(next(next_activity)),
                new_status=UNKNOWN_PROGRAM_STATUSES[i % len(UNKNOWN_PROGRAM_STATUSES)],
            )
            vocabulary = shaped.vocabulary
            if vocabulary.activity_of("marketo", "Change Status in Progression", row["new_status"]):
                raise AssertionError(f"{row['new_status']!r} is in the activity vocabulary")
            add("marketo_unknown_activity_status", name, row)
        name = "marketo/activity_visit_webpage"
        for i, row in enumerate(_Source(rng, shaped, name).sample(count(name))):
            texts = BAD_TIMESTAMPS["marketo"]
            row.update(id=str(next(next_activity)), activity_date=texts[i % len(texts)])
            add("marketo_unparseable_timestamp", name, row)
        name = "marketo/lead"
        leads = _Source(rng, shaped, name).sample(count(name))
        for row in leads:
            number = next(next_lead)
            row.update(id=str(number), email=_fresh_email(row["email"], number))
            if "sfdc_lead_id" in row:
                row["sfdc_lead_id"] = ""
            if "marketo_lead_without_crm_match" in kinds:
                row["sfdc_account_id"] = ""  # not synced with the CRM: no CRM account either
                add("marketo_lead_without_crm_match", name, row)
                continue
            # A person merged into a lead Marketo does not have: the lead, and the merge.
            position = add("marketo_merged_into_missing_lead:lead", name, row)
            companions.setdefault("marketo_merged_into_missing_lead", []).append(position)
            columns = SYSTEMS["marketo"].tables["activity_merge_leads"].column_names
            merge = dict.fromkeys(columns, "")
            merge.update(
                id=f"merge-{number}",
                lead_id=str(next(missing_lead)),
                activity_date=row["updated_at"],
                merge_ids=str(number),
            )
            add("marketo_merged_into_missing_lead", "marketo/activity_merge_leads", merge)

    if "hubspot" in SHAPES[shaped.shape]:
        _hubspot_dirty(rng, shaped, add, count, next_lead, next_activity, missing_lead)
    return _write(rng, out_dir, bad, files)


def _hubspot_dirty(
    rng: np.random.Generator,
    shaped: Shaped,
    add: Callable[[str, str, dict[str, str]], int],
    count: Callable[[str], int],
    next_lead: Iterator[int],
    next_activity: Iterator[int],
    missing_lead: Iterator[int],
) -> None:
    # A lead status no vocabulary row has, a little after a clean status change (its key is
    # the contact, the property and the moment: one no clean row has).
    name = "hubspot/contact_property_history"
    history = shaped.vendor[name].data
    statuses = pc.equal(history.column("name").cast(pa.string()), "hs_lead_status")
    rows = _Source(rng, shaped, name, statuses).sample(count(name))
    theirs = history.filter(
        pc.is_in(history.column("contact_id"), pa.array([int(r["contact_id"]) for r in rows]))
    )
    taken = set(
        zip(
            theirs.column("contact_id").to_pylist(),
            theirs.column("name").cast(pa.string()).to_pylist(),
            text_of(theirs.column("timestamp"), "hubspot"),
            strict=True,
        )
    )
    for i, row in enumerate(rows):
        contact, seconds = int(row["contact_id"]), 2
        while (contact, row["name"], _plus_seconds(row["timestamp"], seconds, "hubspot")) in taken:
            seconds += 1
        moment = _plus_seconds(row["timestamp"], seconds, "hubspot")
        taken.add((contact, row["name"], moment))
        row.update(
            value=UNKNOWN_HS_LEAD_STATUSES[i % len(UNKNOWN_HS_LEAD_STATUSES)], timestamp=moment
        )
        _check_unknown(shaped, "hubspot", "status", row["value"])
        add("hubspot_unknown_lead_status", name, row)
    # New contacts (fresh e-mails): a create date no parser takes, or merged into a contact
    # HubSpot does not have (the contact, and its merge).
    name = "hubspot/contact"
    for i, row in enumerate(_Source(rng, shaped, name).sample(2 * count(name))):
        number = next(next_lead)
        row.update(
            id=str(number),
            property_email=_fresh_email(row["property_email"], number),
            _fivetran_deleted="false",
        )
        if i % 2 == 0:
            texts = BAD_TIMESTAMPS["hubspot"]
            row["property_createdate"] = texts[(i // 2) % len(texts)]
            add("hubspot_unparseable_timestamp", name, row)
            continue
        row["_fivetran_deleted"] = "true"  # HubSpot removes a merged contact
        add("hubspot_merged_into_missing_lead:lead", name, row)
        missing = str(next(missing_lead))
        merge = {
            "contact_id": missing,
            "canonical_vid": missing,
            "vid_to_merge": str(number),
            "timestamp": row["property_lastmodifieddate"],
        }
        add("hubspot_merged_into_missing_lead", "hubspot/contact_merge_audit", merge)
    # E-mail events of a recipient no contact has.
    name = "hubspot/email_event"
    for row in _Source(rng, shaped, name).sample(count(name)):
        number = next(next_activity)
        row.update(id=str(number), recipient=_fresh_email(row["recipient"], number, "nobody"))
        add("hubspot_recipient_without_contact", name, row)


def _check_unknown(shaped: Shaped, system: str, what: str, value: str) -> None:
    lookup = shaped.vocabulary.status_of if what == "status" else shaped.vocabulary.stage_of
    if lookup(system, value) is not None:
        raise AssertionError(f"{value!r} is a known {what} in seeds/vocabulary")


def _write(
    rng: np.random.Generator,
    out_dir: Path,
    bad: dict[str, list[tuple[str, dict[str, str]]]],
    files: dict[str, int],
) -> dict[str, dict[str, Any]]:
    section: dict[str, dict[str, Any]] = {}
    for name, rows in sorted(bad.items()):
        system, table = name.split("/")
        spec = SYSTEMS[system].tables[table]
        rel = f"{name}/{DIRTY_FILE}"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(spec.column_names)
        for line, position in enumerate(rng.permutation(len(rows)), start=2):
            kind, row = rows[int(position)]
            writer.writerow([row.get(c, "") for c in spec.column_names])
            companion = kind.endswith(":lead")
            kind = kind.removesuffix(":lead")
            entry = section.setdefault(kind, _entry(kind))
            target = entry["companion"] if companion else entry
            if companion:
                target.setdefault("table", name)
                target.setdefault("key_columns", list(spec.key))
            else:
                entry["count"] += 1
            target["keys"].append([row[c] for c in spec.key])
            target["rows"].append({"file": rel, "line": line})
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(buffer.getvalue())
        files[rel] = len(rows)
    for entry in section.values():
        for target in (entry, entry.get("companion")):
            if not target:
                continue
            order = np.argsort([r["line"] for r in target["rows"]], kind="stable")
            target["keys"] = [target["keys"][i] for i in order]
            target["rows"] = [target["rows"][i] for i in order]
        if entry.get("companion") == {"keys": [], "rows": []}:
            del entry["companion"]
    return dict(sorted(section.items()))


def _entry(kind: str) -> dict[str, Any]:
    system, table, canonical, expected, _shapes = KINDS[kind]
    spec = SYSTEMS[system].tables[table]
    entry: dict[str, Any] = {
        "system": system,
        "table": f"{system}/{table}",
        "canonical_table": canonical,
        "count": 0,
        "key_columns": list(spec.key),
        "keys": [],
        "rows": [],
        "expected": expected,
    }
    if kind in WITH_COMPANION:
        # the merged person itself, a clean lead (contact) of its own
        entry["companion"] = {"keys": [], "rows": []}
    return entry
