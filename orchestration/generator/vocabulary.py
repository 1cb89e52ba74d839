"""The vendor spellings of seeds/vocabulary/*.csv, read when the generator runs.

A system's picklist value becomes a canonical one the way the warehouse matches it
(docs/sources.md, Vocabularies): both sides reduced to a key of lower-case letters and digits;
a row of the system itself wins over a row with an empty ``source_system`` (every system); an
activity row matches when its ``vendor_type`` key is the type's and the lower-cased detail
contains its ``detail_contains`` (an empty one always does), and the first match by
``priority`` wins. A HubSpot lifecycle stage (lifecycle_stage_vocabulary.csv) implies the
status of its row, or none (an empty ``status``: not a status change). The first row of a
canonical value for a system is that system's default spelling, the one the generator writes.
Reading the seeds at generation time (never copying their values) keeps the generator and the
seeds from drifting apart; every spelling written is checked to map back to the value it
stands for, so an edit of a seed that would make the demo data ambiguous fails the generator
with a message instead of silently shifting the funnel.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

VOCABULARY_DIR = Path(__file__).resolve().parents[2] / "seeds" / "vocabulary"
CHANNEL_MAPPING = VOCABULARY_DIR.parent / "reference" / "channel_mapping.csv"


def key(text: str | None) -> str:
    """The matching key of a vendor value, as the warehouse's macro vocabulary_key makes it:
    lower case, accents stripped, letters and digits only ('España' -> espana)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class Vocabulary:
    statuses: tuple[dict[str, str], ...]
    stages: tuple[dict[str, str], ...]
    activities: tuple[dict[str, str], ...]
    lifecycle: tuple[dict[str, str], ...] = ()

    @classmethod
    def read(cls, folder: Path = VOCABULARY_DIR) -> Vocabulary:
        return cls(
            statuses=tuple(_read(folder / "lead_status_vocabulary.csv")),
            stages=tuple(_read(folder / "opportunity_stage_vocabulary.csv")),
            activities=tuple(_read(folder / "activity_type_vocabulary.csv")),
            lifecycle=tuple(_read(folder / "lifecycle_stage_vocabulary.csv")),
        )

    # --- lead statuses and opportunity stages: one value column each ----------------------

    def status_spelling(self, system: str, status: str) -> str:
        """The system's default spelling of a canonical lead status ('open', ...)."""
        return _spelling(self.statuses, "status", system, status.lower(), "lead status")

    def status_of(self, system: str, vendor_value: str) -> str | None:
        return _lookup(self.statuses, "status", system, vendor_value)

    def stage_spelling(self, system: str, stage_name: str) -> str:
        """The system's default spelling of a canonical opportunity stage ('Discovery', ...)."""
        return _spelling(self.stages, "stage_name", system, stage_name, "opportunity stage")

    def stage_of(self, system: str, vendor_value: str) -> str | None:
        return _lookup(self.stages, "stage_name", system, vendor_value)

    # --- lifecycle stages (HubSpot): the status a stage implies, if any -------------------

    def lifecycle_spelling(self, system: str, status: str) -> str | None:
        """The vendor_value of the system's own first lifecycle stage implying a canonical
        status ('qualified' -> 'salesqualifiedlead'), or None when none of its stages does."""
        for row in self.lifecycle:
            if row["source_system"] == system and row["status"] == status.lower():
                return row["vendor_value"]
        return None

    def lifecycle_of(self, system: str, vendor_value: str) -> tuple[bool, str | None]:
        """(whether the stage is known, the status it implies or None) for a lifecycle stage,
        matched by key, the system's own rows before the rows of every system."""
        wanted = key(vendor_value)
        for source in (system, ""):
            for row in self.lifecycle:
                if row["source_system"] == source and key(row["vendor_value"]) == wanted:
                    return True, row["status"] or None
        return False, None

    # --- activity types: a vendor type and, optionally, a text its detail contains --------

    def activity_spelling(self, system: str, activity_type: str) -> tuple[str, str]:
        """(vendor_type, detail_contains) of the system's first row for an activity type."""
        for row in self.activities:
            if row["source_system"] == system and row["activity_type"] == activity_type:
                return row["vendor_type"], row["detail_contains"].lower()
        for row in self.activities:
            if row["source_system"] == "" and row["activity_type"] == activity_type:
                return row["vendor_type"], row["detail_contains"].lower()
        raise ValueError(
            f"seeds/vocabulary/activity_type_vocabulary.csv has no {system} row for activity "
            f"type {activity_type!r}"
        )

    def activity_of(self, system: str, vendor_type: str, detail: str | None) -> str | None:
        """The activity type a system's (vendor type, detail) maps to, or None."""
        text = (detail or "").lower()
        matches = [
            (float(row["priority"] or 0), row["source_system"] != system, position, row)
            for position, row in enumerate(self.activities)
            if row["source_system"] in (system, "")
            and key(row["vendor_type"]) == key(vendor_type)
            and row["detail_contains"].lower() in text
        ]
        return min(matches, key=lambda m: m[:3])[3]["activity_type"] if matches else None


def _spelling(
    rows: tuple[dict[str, str], ...], column: str, system: str, value: str, what: str
) -> str:
    for wanted in (system, ""):
        for row in rows:
            if row["source_system"] == wanted and row[column] == value:
                return row["vendor_value"]
    raise ValueError(f"seeds/vocabulary has no {system} spelling of the {what} {value!r}")


def _lookup(
    rows: tuple[dict[str, str], ...], column: str, system: str, vendor_value: str
) -> str | None:
    wanted = key(vendor_value)
    for source in (system, ""):
        for row in rows:
            if row["source_system"] == source and key(row["vendor_value"]) == wanted:
                return row[column]
    return None


def channel_of_source() -> dict[str, str]:
    """seeds/reference/channel_mapping.csv: the channel of each lead_source, by its key."""
    channels: dict[str, str] = {}
    for row in _read(CHANNEL_MAPPING):
        channels.setdefault(key(row["lead_source"]), row["channel"])
    return channels
