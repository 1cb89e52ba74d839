"""The raw landing contract: one place that the generator, the loader and the docs agree on.

Files arrive as ``<landing>/<table>/**/*.csv``, ``*.csv.gz`` (gzip-compressed CSV) or
``*.parquet``, at any depth below the table folder (``leads/2025-03/x.csv``), and load into
schema ``raw``. A source system's tables (orchestration/ingestion/systems.py) arrive the same
way one level down, ``<landing>/<system>/<table>/**`` (``salesforce/lead/x.csv``), and load into
schema ``raw_<system>`` under every rule below. A file anywhere else (a misspelt folder, the
landing root, a system folder itself) is not loaded and is reported. ``required`` columns must
be present in every file (a file without one fails its load); ``nullable=False`` columns may
still arrive empty: whether an empty key is acceptable is a data-quality rule for dbt, not a
parse rule for the loader. Columns the contract does not know are ignored and recorded per file
(``raw._load_manifest.ignored_columns``). Every raw table has the ``LINEAGE_COLUMNS`` after its
contract columns.

Timestamps load as naive UTC. A TIMESTAMP value is one of (surrounding spaces trimmed):

- ``YYYY-MM-DD HH:MM[:SS[.fraction]]``, with ``T`` or a space between date and time, in UTC;
- the same followed by a zone: ``Z``, ``UTC`` (any case, with or without a space before it), or
  an offset ``+hh:mm``, ``+hhmm``, ``+hh`` (or ``-``) of at most 14:00, converted to UTC
  (``2024-01-01T20:01:33+02:00`` is 18:01:33; Salesforce's ``2024-01-01T18:01:33.000+0000``);
- epoch milliseconds, an integer of 11 to 13 digits (``1704132093000``: 1970-04-26 to 2286);
- a date alone, ``YYYY-MM-DD``: midnight UTC, and flagged, since the time is unknown rather
  than midnight: the row's ``_date_only_columns`` names such columns (comma-separated, contract
  order; NULL for none) and ``raw._load_manifest.date_only_values`` counts them per file.

Anything else is rejected (``created_at: cannot parse '...' as TIMESTAMP``), impossible dates
and times (``2024-02-30``, ``24:00``, ``18:60``), wider offsets and other numbers included. A
DATE value is a date, or any TIMESTAMP form, of which it takes the UTC date. In Parquet, a
TIMESTAMP column loads as it is, a TIMESTAMP WITH TIME ZONE column in UTC, an integer column
(for a TIMESTAMP or DATE contract column) as epoch milliseconds within the same 11-13 digit
range, a DATE column as midnight (flagged) and a text column by the rules above.

Null values: an empty field, and a value that is one of ``NULL_TOKENS`` once trimmed of spaces
and compared case-insensitively (``NULL``, ``null``, ``NA``, ``N/A``), is SQL NULL, in CSV and in
Parquet text columns alike and in every column type. A column may narrow the tokens
(``country``: ``NA`` is Namibia). A text value of only spaces is kept as delivered.

Completeness: a file is taken only once it is complete. Writers either write under a
temporary name and rename the finished file atomically: names starting with one of
``TEMPORARY_PREFIXES`` (``.``, ``_``, also for folders) or ending in one of
``TEMPORARY_SUFFIXES`` are never loaded. Or they write in place, and then a file whose size or
modification time changed within the last ``FUNNEL_LANDING_SETTLE_SECONDS`` (default 2; 0
disables the rule) is still being written: it is left for the next load and reported as
pending, not loaded and not an error. A delivered file is immutable: changing it after it was
loaded is an error; deliver corrections as a new file.
"""

from __future__ import annotations

from dataclasses import dataclass

RAW_SCHEMA = "raw"

# Compared with the value trimmed of spaces, case-insensitively; '' is the empty field.
NULL_TOKENS: tuple[str, ...] = ("", "NULL", "NA", "N/A")
TEMPORARY_PREFIXES: tuple[str, ...] = (".", "_")
TEMPORARY_SUFFIXES: tuple[str, ...] = (".tmp", ".part", ".partial", ".crdownload", ".filepart")
# The lineage columns the loader adds after the contract columns of every raw table, the landing
# contract's and the source systems' alike (name, DuckDB type).
DATE_ONLY_COLUMN = "_date_only_columns"
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_source_file", "VARCHAR"),  # the file, relative to the landing zone
    ("_source_line", "BIGINT"),  # its line (CSV, the header is 1) or row number from 1 (Parquet)
    ("_loaded_at", "TIMESTAMP"),  # when the loader wrote the row (UTC, one value per file)
    (DATE_ONLY_COLUMN, "VARCHAR"),  # TIMESTAMP columns whose value arrived as a date alone
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type the loader casts to: VARCHAR, BIGINT, DOUBLE, TIMESTAMP, DATE, BOOLEAN
    description: str
    required: bool = True
    nullable: bool = True
    null_tokens: tuple[str, ...] = NULL_TOKENS  # text values that load as NULL


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


C = Column
# 'NA' is a country code (Namibia), so it is a value there, not a null token.
COUNTRY_NULL_TOKENS = tuple(t for t in NULL_TOKENS if t != "NA")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "leads",
            "Person records from the CRM: who the lead is and where it came from.",
            (
                C("lead_id", "VARCHAR", "CRM lead id.", nullable=False),
                C("email", "VARCHAR", "E-mail address as entered (mixed case possible)."),
                C("company_name", "VARCHAR", "Company name as entered."),
                C("account_id", "VARCHAR", "Matched account, if any.", required=False),
                C("job_title", "VARCHAR", "Free-text job title."),
                C("industry", "VARCHAR", "Industry as the CRM has it."),
                C("employee_count", "BIGINT", "Company head count."),
                C("annual_revenue", "DOUBLE", "Company annual revenue, USD.", required=False),
                C(
                    "country",
                    "VARCHAR",
                    "ISO 3166-1 alpha-2 country code.",
                    null_tokens=COUNTRY_NULL_TOKENS,
                ),
                C("lead_source", "VARCHAR", "Lead source as free text ('Google Ads', 'ChatGPT')."),
                C("created_at", "TIMESTAMP", "When the lead was created (UTC).", nullable=False),
                C("updated_at", "TIMESTAMP", "Last modification (UTC): the latest version wins."),
                C(
                    "merged_into_lead_id",
                    "VARCHAR",
                    "Set when merged into another lead.",
                    required=False,
                ),
                C("is_deleted", "BOOLEAN", "Soft-deleted in the CRM."),
            ),
            key=("lead_id",),
        ),
        Table(
            "activities",
            "Marketing-automation and sales activities of leads.",
            (
                C("activity_id", "VARCHAR", "Activity id.", nullable=False),
                C("lead_id", "VARCHAR", "The lead that acted.", nullable=False),
                C("activity_type", "VARCHAR", "page_view, demo_request, sales_call, ..."),
                C("occurred_at", "TIMESTAMP", "When it happened (UTC).", nullable=False),
                C("campaign_id", "VARCHAR", "Campaign that drove it, if any.", required=False),
                C("url", "VARCHAR", "Page or asset URL, if any.", required=False),
            ),
            key=("activity_id",),
        ),
        Table(
            "lead_status_history",
            "Every change of a lead's sales status.",
            (
                C("lead_id", "VARCHAR", "The lead.", nullable=False),
                C(
                    "status",
                    "VARCHAR",
                    "Open, Working, Accepted, Qualified, Recycled, Disqualified, Converted.",
                ),
                C("changed_at", "TIMESTAMP", "When the status changed (UTC).", nullable=False),
                C("reason", "VARCHAR", "Why, if given.", required=False),
                C("changed_by", "VARCHAR", "Who changed it, if known.", required=False),
            ),
            key=("lead_id", "changed_at", "status"),
        ),
        Table(
            "opportunities",
            "Pipeline deals, latest version of each.",
            (
                C("opportunity_id", "VARCHAR", "Opportunity id.", nullable=False),
                C("lead_id", "VARCHAR", "Originating lead, if sourced from one.", required=False),
                C("account_id", "VARCHAR", "Account the deal is with."),
                C("created_at", "TIMESTAMP", "When the opportunity was created (UTC)."),
                C("stage_name", "VARCHAR", "Current stage."),
                C("amount", "DOUBLE", "Deal amount, USD."),
                C("is_closed", "BOOLEAN", "Closed (won or lost)."),
                C("is_won", "BOOLEAN", "Closed won."),
                C("closed_at", "TIMESTAMP", "When it closed (UTC).", required=False),
                C("lead_source", "VARCHAR", "Lead source as free text."),
                C("updated_at", "TIMESTAMP", "Last modification (UTC): the latest version wins."),
            ),
            key=("opportunity_id",),
        ),
        Table(
            "opportunity_stage_history",
            "Every stage change of an opportunity.",
            (
                C("opportunity_id", "VARCHAR", "The opportunity.", nullable=False),
                C("stage_name", "VARCHAR", "Stage entered."),
                C("changed_at", "TIMESTAMP", "When (UTC).", nullable=False),
            ),
            key=("opportunity_id", "changed_at", "stage_name"),
        ),
        Table(
            "campaigns",
            "Marketing campaigns.",
            (
                C("campaign_id", "VARCHAR", "Campaign id.", nullable=False),
                C("name", "VARCHAR", "Campaign name."),
                C("lead_source", "VARCHAR", "Lead source the campaign reports under."),
                C("started_on", "DATE", "First day."),
                C("ended_on", "DATE", "Last day, if ended.", required=False),
            ),
            key=("campaign_id",),
        ),
        Table(
            "campaign_spend",
            "Daily spend per campaign.",
            (
                C("campaign_id", "VARCHAR", "Campaign.", nullable=False),
                C("spend_date", "DATE", "Day of spend.", nullable=False),
                C("amount", "DOUBLE", "Spend, USD."),
            ),
            key=("campaign_id", "spend_date"),
        ),
        Table(
            "accounts",
            "Companies (accounts) in the CRM.",
            (
                C("account_id", "VARCHAR", "Account id.", nullable=False),
                C("name", "VARCHAR", "Company name."),
                C("domain", "VARCHAR", "Web domain."),
                C("industry", "VARCHAR", "Industry."),
                C("employee_count", "BIGINT", "Head count."),
                C(
                    "country",
                    "VARCHAR",
                    "ISO 3166-1 alpha-2 country code.",
                    null_tokens=COUNTRY_NULL_TOKENS,
                ),
            ),
            key=("account_id",),
        ),
    )
}

LEAD_STATUSES = (
    "Open",
    "Working",
    "Accepted",
    "Qualified",
    "Recycled",
    "Disqualified",
    "Converted",
)
