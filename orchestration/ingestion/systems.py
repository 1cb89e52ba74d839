"""Source systems: the raw tables of Salesforce and Marketo as their connectors land them.

On the embedded default a system's tables arrive as files in ``<landing>/<system>/<table>/``
(any depth below the table folder, CSV, CSV.gz or Parquet, as for the landing contract) and load
into schema ``raw_<system>`` with the same manifest, rejects and row accounting. On a warehouse
target the connector's schema is read in place (dbt vars ``<system>_schema`` and
``<system>_database``). Table and column names are those of the Fivetran connectors (snake_case
of the vendor's API names); only the columns the project reads are listed, every other column
of a delivered file is ignored and recorded, like an unknown column of the landing contract.

The dbt side is models/staging/<system>/ (docs/sources.md): each system's tables are conformed
to the landing contract and feed the same base models, so scoring, funnel and quality do not
fork per system. Which systems a build reads is ``FUNNEL_SOURCES`` (or the dbt var
``lead_funnel_sources``), for example ``salesforce,marketo``; the landing contract is always
read beside them (empty when unused), so a table no system holds, such as daily campaign spend
from an ad platform, is landed there.

Timestamps use the loader's tolerant parsing: Salesforce's ``2024-01-01T18:01:33.000+0000``,
Marketo's ``2024-01-01T18:01:33Z`` and epoch milliseconds all load as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.ingestion.contract import COUNTRY_NULL_TOKENS, Column, Table

C = Column


@dataclass(frozen=True)
class System:
    name: str
    vendor: str
    role: str  # 'crm' (people, statuses, deals) or 'map' (marketing automation: engagement)
    tables: dict[str, Table]

    @property
    def raw_schema(self) -> str:
        return f"raw_{self.name}"


def _tables(*tables: Table) -> dict[str, Table]:
    return {t.name: t for t in tables}


def _marketo_activity(name: str, description: str, *extra: Column) -> Table:
    """A Marketo activity table (one per activity type, as the connector lands them)."""
    return Table(
        name,
        description,
        (
            C("id", "VARCHAR", "Activity id (Marketo's marketoGUID).", nullable=False),
            C("lead_id", "BIGINT", "The Marketo lead.", nullable=False),
            C("activity_date", "TIMESTAMP", "When it happened.", nullable=False),
            C("activity_type_id", "BIGINT", "Marketo activity type id.", required=False),
            C("campaign_id", "BIGINT", "Smart campaign that logged it.", required=False),
            C(
                "primary_attribute_value",
                "VARCHAR",
                "The activity's primary attribute (page, form, e-mail or program name).",
                required=False,
            ),
            *extra,
        ),
        key=("id",),
    )


SALESFORCE = System(
    "salesforce",
    "Salesforce Sales Cloud",
    "crm",
    _tables(
        Table(
            "lead",
            "Salesforce Lead: one row per lead (current version).",
            (
                C("id", "VARCHAR", "Lead Id (00Q...).", nullable=False),
                C("email", "VARCHAR", "Email."),
                C("company", "VARCHAR", "Company."),
                C("title", "VARCHAR", "Title."),
                C("industry", "VARCHAR", "Industry picklist."),
                C("number_of_employees", "BIGINT", "NumberOfEmployees."),
                C("annual_revenue", "DOUBLE", "AnnualRevenue.", required=False),
                C(
                    "country",
                    "VARCHAR",
                    "Country (free text or name).",
                    null_tokens=COUNTRY_NULL_TOKENS,
                ),
                C("lead_source", "VARCHAR", "LeadSource picklist."),
                C(
                    "status",
                    "VARCHAR",
                    "Status picklist (Open - Not Contacted, ...).",
                    required=False,
                ),
                C("created_date", "TIMESTAMP", "CreatedDate.", nullable=False),
                C("last_modified_date", "TIMESTAMP", "LastModifiedDate."),
                C("is_deleted", "BOOLEAN", "IsDeleted.", required=False),
                C(
                    "master_record_id",
                    "VARCHAR",
                    "MasterRecordId: set on a lead merged into another.",
                    required=False,
                ),
                C("converted_account_id", "VARCHAR", "ConvertedAccountId.", required=False),
                C("converted_contact_id", "VARCHAR", "ConvertedContactId.", required=False),
                C(
                    "converted_opportunity_id",
                    "VARCHAR",
                    "ConvertedOpportunityId.",
                    required=False,
                ),
            ),
            key=("id",),
        ),
        Table(
            "lead_history",
            "Salesforce LeadHistory (field history tracking): the Status rows are status changes.",
            (
                C("id", "VARCHAR", "History row Id.", nullable=False),
                C("lead_id", "VARCHAR", "LeadId.", nullable=False),
                C("field", "VARCHAR", "Field changed ('Status', 'created', ...)."),
                C("old_value", "VARCHAR", "OldValue.", required=False),
                C("new_value", "VARCHAR", "NewValue."),
                C("created_date", "TIMESTAMP", "When the change was made.", nullable=False),
                C("created_by_id", "VARCHAR", "Who made it.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "account",
            "Salesforce Account.",
            (
                C("id", "VARCHAR", "Account Id (001...).", nullable=False),
                C("name", "VARCHAR", "Name."),
                C("website", "VARCHAR", "Website (a URL or a domain)."),
                C("industry", "VARCHAR", "Industry picklist."),
                C("number_of_employees", "BIGINT", "NumberOfEmployees."),
                C(
                    "billing_country",
                    "VARCHAR",
                    "BillingCountry.",
                    null_tokens=COUNTRY_NULL_TOKENS,
                ),
                C("is_deleted", "BOOLEAN", "IsDeleted.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "opportunity",
            "Salesforce Opportunity (current version).",
            (
                C("id", "VARCHAR", "Opportunity Id (006...).", nullable=False),
                C("account_id", "VARCHAR", "AccountId."),
                C("name", "VARCHAR", "Name.", required=False),
                C("stage_name", "VARCHAR", "StageName picklist."),
                C("amount", "DOUBLE", "Amount."),
                C("is_closed", "BOOLEAN", "IsClosed."),
                C("is_won", "BOOLEAN", "IsWon."),
                C("close_date", "DATE", "CloseDate (a date).", required=False),
                C("created_date", "TIMESTAMP", "CreatedDate."),
                C("last_modified_date", "TIMESTAMP", "LastModifiedDate."),
                C("lead_source", "VARCHAR", "LeadSource picklist."),
                C("is_deleted", "BOOLEAN", "IsDeleted.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "opportunity_contact_role",
            "Salesforce OpportunityContactRole: which contact (a converted lead) a deal is with.",
            (
                C("id", "VARCHAR", "Row Id.", nullable=False),
                C("opportunity_id", "VARCHAR", "OpportunityId.", nullable=False),
                C("contact_id", "VARCHAR", "ContactId (003...).", nullable=False),
                C("is_primary", "BOOLEAN", "IsPrimary.", required=False),
                C("role", "VARCHAR", "Role.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "opportunity_history",
            "Salesforce OpportunityHistory: one row per stage (or amount) change.",
            (
                C("id", "VARCHAR", "History row Id.", nullable=False),
                C("opportunity_id", "VARCHAR", "OpportunityId.", nullable=False),
                C("stage_name", "VARCHAR", "StageName after the change."),
                C("created_date", "TIMESTAMP", "When.", nullable=False),
                C("amount", "DOUBLE", "Amount after the change.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "campaign",
            "Salesforce Campaign.",
            (
                C("id", "VARCHAR", "Campaign Id (701...).", nullable=False),
                C("name", "VARCHAR", "Name."),
                C("type", "VARCHAR", "Type picklist (Webinar, Conference, ...)."),
                C("start_date", "DATE", "StartDate."),
                C("end_date", "DATE", "EndDate.", required=False),
                C("is_deleted", "BOOLEAN", "IsDeleted.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "task",
            "Salesforce Task: calls and e-mails logged by sales.",
            (
                C("id", "VARCHAR", "Task Id (00T...).", nullable=False),
                C("who_id", "VARCHAR", "WhoId: the lead (00Q...) or contact.", nullable=False),
                C("type", "VARCHAR", "Type picklist (Call, Email, ...).", required=False),
                C("task_subtype", "VARCHAR", "TaskSubtype (Call, Email, Task).", required=False),
                C("subject", "VARCHAR", "Subject.", required=False),
                C(
                    "what_id",
                    "VARCHAR",
                    "WhatId: the related record; a Campaign (701...) is the touch's campaign.",
                    required=False,
                ),
                C("created_date", "TIMESTAMP", "CreatedDate: when it was logged.", nullable=False),
                C("is_deleted", "BOOLEAN", "IsDeleted.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "event",
            "Salesforce Event: meetings.",
            (
                C("id", "VARCHAR", "Event Id (00U...).", nullable=False),
                C("who_id", "VARCHAR", "WhoId: the lead or contact.", nullable=False),
                C("type", "VARCHAR", "Type picklist (Meeting, ...).", required=False),
                C("subject", "VARCHAR", "Subject.", required=False),
                C("start_date_time", "TIMESTAMP", "StartDateTime.", nullable=False),
                C("is_deleted", "BOOLEAN", "IsDeleted.", required=False),
            ),
            key=("id",),
        ),
    ),
)

MARKETO = System(
    "marketo",
    "Adobe Marketo Engage",
    "map",
    _tables(
        Table(
            "lead",
            "Marketo Lead (person): one row per lead (current version).",
            (
                C("id", "BIGINT", "Marketo lead id.", nullable=False),
                C("email", "VARCHAR", "email."),
                C("company", "VARCHAR", "company.", required=False),
                C("title", "VARCHAR", "title.", required=False),
                C("industry", "VARCHAR", "industry.", required=False),
                C("number_of_employees", "BIGINT", "numberOfEmployees.", required=False),
                C("annual_revenue", "DOUBLE", "annualRevenue.", required=False),
                C(
                    "country",
                    "VARCHAR",
                    "country.",
                    required=False,
                    null_tokens=COUNTRY_NULL_TOKENS,
                ),
                C("lead_source", "VARCHAR", "leadSource.", required=False),
                C("lead_status", "VARCHAR", "leadStatus.", required=False),
                C("created_at", "TIMESTAMP", "createdAt.", nullable=False),
                C("updated_at", "TIMESTAMP", "updatedAt."),
                C(
                    "sfdc_lead_id",
                    "VARCHAR",
                    "sfdcLeadId: the synced Salesforce lead.",
                    required=False,
                ),
                C(
                    "sfdc_contact_id",
                    "VARCHAR",
                    "sfdcContactId: the synced Salesforce contact.",
                    required=False,
                ),
                C(
                    "sfdc_account_id",
                    "VARCHAR",
                    "sfdcAccountId: the person's CRM account.",
                    required=False,
                ),
            ),
            key=("id",),
        ),
        Table(
            "program",
            "Marketo Program: the campaigns of the funnel (channel = its lead source).",
            (
                C("id", "BIGINT", "Program id.", nullable=False),
                C("name", "VARCHAR", "Name."),
                C("channel", "VARCHAR", "Channel (Webinar, Tradeshow, ...)."),
                C(
                    "sfdc_id",
                    "VARCHAR",
                    "The Salesforce campaign the program syncs to, if any.",
                    required=False,
                ),
                C("start_date", "TIMESTAMP", "Start.", required=False),
                C("end_date", "TIMESTAMP", "End.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "campaign",
            "Marketo Smart Campaign: links an activity's campaign_id to its program.",
            (
                C("id", "BIGINT", "Smart campaign id.", nullable=False),
                C("name", "VARCHAR", "Name.", required=False),
                C("program_id", "BIGINT", "The program it belongs to."),
            ),
            key=("id",),
        ),
        _marketo_activity(
            "activity_visit_webpage",
            "Visit Webpage activities.",
            C("webpage_url", "VARCHAR", "The page's URL.", required=False),
        ),
        _marketo_activity(
            "activity_fill_out_form",
            "Fill Out Form activities (primary attribute: the form's name).",
            C("referrer_url", "VARCHAR", "The page the form was on.", required=False),
        ),
        _marketo_activity("activity_open_email", "Open Email activities."),
        _marketo_activity(
            "activity_click_email",
            "Click Email activities.",
            C("link", "VARCHAR", "The link clicked.", required=False),
        ),
        _marketo_activity("activity_email_bounced", "Email Bounced activities."),
        _marketo_activity("activity_unsubscribe_email", "Unsubscribe Email activities."),
        _marketo_activity(
            "activity_change_status_in_progression",
            "Change Status in Progression: program membership (registered, attended, ...).",
            C("program_id", "BIGINT", "The program.", required=False),
            C("new_status", "VARCHAR", "The status entered (Registered, Attended, ...)."),
        ),
        _marketo_activity("activity_delete_lead", "Delete Lead: the person was deleted."),
        _marketo_activity(
            "activity_merge_leads",
            "Merge Leads: lead_id is the winner, merge_ids the leads merged into it.",
            C("merge_ids", "VARCHAR", "Comma-separated ids of the merged (losing) leads."),
        ),
    ),
)

SYSTEMS: dict[str, System] = {s.name: s for s in (SALESFORCE, MARKETO)}


def parse_sources(text: str | None) -> tuple[str, ...]:
    """The systems named in FUNNEL_SOURCES: comma-, plus- or space-separated, case-insensitive;
    'landing' (always read) may be named. An unknown name is a clear error."""
    names = [n for n in (text or "").replace("+", ",").replace(" ", ",").lower().split(",") if n]
    unknown = sorted(set(names) - set(SYSTEMS) - {"landing"})
    if unknown:
        raise ValueError(
            f"FUNNEL_SOURCES names unknown source system(s) {', '.join(unknown)}; "
            f"known: {', '.join(SYSTEMS)} (the landing contract is always read)"
        )
    return tuple(dict.fromkeys(n for n in names if n != "landing"))
