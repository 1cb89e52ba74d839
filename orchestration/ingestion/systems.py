"""Source systems: the raw tables of Salesforce, HubSpot and Marketo as their connectors land them.

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
Marketo's ``2024-01-01T18:01:33Z`` and HubSpot's epoch milliseconds all load as UTC.
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

HUBSPOT = System(
    "hubspot",
    "HubSpot (Marketing Hub and Sales Hub)",
    "crm",
    _tables(
        Table(
            "contact",
            "HubSpot Contact: one row per contact (current version); property_<name> columns.",
            (
                C("id", "BIGINT", "Contact id (vid).", nullable=False),
                C("property_email", "VARCHAR", "email."),
                C("property_company", "VARCHAR", "company.", required=False),
                C("property_jobtitle", "VARCHAR", "jobtitle.", required=False),
                C("property_industry", "VARCHAR", "industry.", required=False),
                C(
                    "property_numemployees",
                    "VARCHAR",
                    "numemployees: a number, or a range of HubSpot's picklist (25-50, 1000+).",
                    required=False,
                ),
                C("property_annualrevenue", "DOUBLE", "annualrevenue.", required=False),
                C(
                    "property_country",
                    "VARCHAR",
                    "country (free text or name).",
                    required=False,
                    null_tokens=COUNTRY_NULL_TOKENS,
                ),
                C(
                    "property_lead_source",
                    "VARCHAR",
                    "A lead source property of the portal's own (often synced with Salesforce's "
                    "LeadSource); when empty, the original source is the lead source.",
                    required=False,
                ),
                C(
                    "property_hs_analytics_source",
                    "VARCHAR",
                    "hs_analytics_source: Original Source (ORGANIC_SEARCH, PAID_SEARCH, ...).",
                    required=False,
                ),
                C(
                    "property_lifecyclestage",
                    "VARCHAR",
                    "lifecyclestage: the current lifecycle stage (subscriber, lead, ...).",
                    required=False,
                ),
                C(
                    "property_hs_lead_status",
                    "VARCHAR",
                    "hs_lead_status: the current lead status (NEW, OPEN, IN_PROGRESS, ...).",
                    required=False,
                ),
                C(
                    "property_associatedcompanyid",
                    "BIGINT",
                    "associatedcompanyid: the contact's primary company.",
                    required=False,
                ),
                C("property_createdate", "TIMESTAMP", "createdate.", nullable=False),
                C("property_lastmodifieddate", "TIMESTAMP", "lastmodifieddate."),
                C(
                    "_fivetran_deleted",
                    "BOOLEAN",
                    "Deleted in HubSpot (or merged into another contact).",
                    required=False,
                ),
            ),
            key=("id",),
        ),
        Table(
            "contact_property_history",
            "Every value a contact property took: the lifecyclestage and hs_lead_status rows "
            "are status changes.",
            (
                C("contact_id", "BIGINT", "The contact.", nullable=False),
                C("name", "VARCHAR", "The property (lifecyclestage, hs_lead_status, ...)."),
                C("value", "VARCHAR", "The value it took."),
                C("timestamp", "TIMESTAMP", "When.", nullable=False),
                C("source", "VARCHAR", "What set it (CRM_UI, WORKFLOWS, ...).", required=False),
                C("source_id", "VARCHAR", "Who or which workflow.", required=False),
            ),
            key=("contact_id", "name", "timestamp"),
        ),
        Table(
            "contact_merge_audit",
            "Contact merges: vid_to_merge was merged into canonical_vid.",
            (
                C(
                    "contact_id",
                    "BIGINT",
                    "The contact the audit row belongs to (the winner).",
                    nullable=False,
                ),
                C("canonical_vid", "BIGINT", "The surviving contact."),
                C("vid_to_merge", "BIGINT", "The contact merged into it.", nullable=False),
                C("timestamp", "TIMESTAMP", "When."),
            ),
            key=("vid_to_merge",),
        ),
        Table(
            "company",
            "HubSpot Company.",
            (
                C("id", "BIGINT", "Company id.", nullable=False),
                C("property_name", "VARCHAR", "name."),
                C("property_domain", "VARCHAR", "domain."),
                C("property_industry", "VARCHAR", "industry.", required=False),
                C("property_numberofemployees", "BIGINT", "numberofemployees.", required=False),
                C(
                    "property_country",
                    "VARCHAR",
                    "country.",
                    required=False,
                    null_tokens=COUNTRY_NULL_TOKENS,
                ),
                C("is_deleted", "BOOLEAN", "Deleted.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "deal",
            "HubSpot Deal (current version).",
            (
                C("deal_id", "BIGINT", "Deal id.", nullable=False),
                C("deal_pipeline_id", "VARCHAR", "The pipeline.", required=False),
                C("deal_pipeline_stage_id", "VARCHAR", "The current stage's id."),
                C("property_dealname", "VARCHAR", "dealname.", required=False),
                C("property_amount", "DOUBLE", "amount."),
                C("property_closedate", "TIMESTAMP", "closedate.", required=False),
                C("property_createdate", "TIMESTAMP", "createdate."),
                C("property_hs_lastmodifieddate", "TIMESTAMP", "hs_lastmodifieddate."),
                C(
                    "property_lead_source",
                    "VARCHAR",
                    "The portal's own lead source property, as on the contact.",
                    required=False,
                ),
                C(
                    "property_hs_analytics_source",
                    "VARCHAR",
                    "hs_analytics_source: Original Source.",
                    required=False,
                ),
                C(
                    "property_hs_is_closed",
                    "BOOLEAN",
                    "hs_is_closed: in a closed stage (else read from the stage).",
                    required=False,
                ),
                C(
                    "property_hs_is_closed_won",
                    "BOOLEAN",
                    "hs_is_closed_won: in a won stage (else read from the stage).",
                    required=False,
                ),
                C("is_deleted", "BOOLEAN", "Deleted.", required=False),
            ),
            key=("deal_id",),
        ),
        Table(
            "deal_pipeline_stage",
            "The stages of the deal pipelines: label, order, and whether closed and won.",
            (
                C(
                    "stage_id",
                    "VARCHAR",
                    "Stage id (appointmentscheduled, closedwon, ...).",
                    nullable=False,
                ),
                C("pipeline_id", "VARCHAR", "The pipeline.", required=False),
                C("label", "VARCHAR", "The stage's label (Appointment Scheduled, ...)."),
                C("display_order", "BIGINT", "Order in the pipeline.", required=False),
                C(
                    "probability",
                    "DOUBLE",
                    "Win probability: 1 for a won stage, 0 for a lost one.",
                    required=False,
                ),
                C("closed_won", "BOOLEAN", "A won stage.", required=False),
                C("_fivetran_deleted", "BOOLEAN", "Removed from the pipeline.", required=False),
            ),
            key=("stage_id",),
        ),
        Table(
            "deal_stage",
            "Every stage a deal entered.",
            (
                C("deal_id", "BIGINT", "The deal.", nullable=False),
                C("value", "VARCHAR", "The stage id entered."),
                C("date_entered", "TIMESTAMP", "When.", nullable=False),
                C("source", "VARCHAR", "What set it.", required=False),
            ),
            key=("deal_id", "date_entered", "value"),
        ),
        Table(
            "deal_contact",
            "Deal-contact associations: the deal's first contact is its lead.",
            (
                C("deal_id", "BIGINT", "The deal.", nullable=False),
                C("contact_id", "BIGINT", "The contact.", nullable=False),
                C("type_id", "BIGINT", "Association type.", required=False),
            ),
            key=("deal_id", "contact_id"),
        ),
        Table(
            "deal_company",
            "Deal-company associations: the deal's account.",
            (
                C("deal_id", "BIGINT", "The deal.", nullable=False),
                C("company_id", "BIGINT", "The company.", nullable=False),
                C("type_id", "BIGINT", "Association type.", required=False),
            ),
            key=("deal_id", "company_id"),
        ),
        Table(
            "email_event",
            "Marketing e-mail events (OPEN, CLICK, BOUNCE, STATUSCHANGE, SENT, DELIVERED, ...), "
            "on the recipient's e-mail address.",
            (
                C("id", "VARCHAR", "Event id.", nullable=False),
                C("type", "VARCHAR", "Event type."),
                C("created", "TIMESTAMP", "When.", nullable=False),
                C("recipient", "VARCHAR", "The recipient's e-mail address."),
                C(
                    "email_campaign_id",
                    "BIGINT",
                    "The marketing e-mail (campaign).",
                    required=False,
                ),
            ),
            key=("id",),
        ),
        Table(
            "email_event_click",
            "The link of each CLICK event.",
            (
                C("id", "VARCHAR", "Event id (email_event.id).", nullable=False),
                C("url", "VARCHAR", "The link clicked."),
            ),
            key=("id",),
        ),
        Table(
            "contact_form_submission",
            "Form submissions of contacts.",
            (
                C("conversion_id", "VARCHAR", "Submission id.", nullable=False),
                C("contact_id", "BIGINT", "The contact.", nullable=False),
                C("form_id", "VARCHAR", "The form (form.guid)."),
                C("timestamp", "TIMESTAMP", "When.", nullable=False),
                C(
                    "page_url",
                    "VARCHAR",
                    "The page it was on; its utm_campaign parameter names the campaign.",
                    required=False,
                ),
                C("title", "VARCHAR", "The page's title.", required=False),
            ),
            key=("conversion_id",),
        ),
        Table(
            "form",
            "Forms: their names say what a submission is (demo request, download, ...).",
            (
                C("guid", "VARCHAR", "Form id.", nullable=False),
                C("name", "VARCHAR", "The form's name."),
            ),
            key=("guid",),
        ),
        Table(
            "engagement",
            "Sales engagements: CALL, EMAIL, INCOMING_EMAIL, MEETING (NOTE and TASK are not "
            "touches).",
            (
                C("id", "BIGINT", "Engagement id.", nullable=False),
                C("type", "VARCHAR", "Engagement type."),
                C("timestamp", "TIMESTAMP", "When it happened.", nullable=False),
                C("active", "BOOLEAN", "False once deleted.", required=False),
            ),
            key=("id",),
        ),
        Table(
            "engagement_contact",
            "Engagement-contact associations.",
            (
                C("engagement_id", "BIGINT", "The engagement.", nullable=False),
                C("contact_id", "BIGINT", "The contact.", nullable=False),
            ),
            key=("engagement_id", "contact_id"),
        ),
    ),
)

SYSTEMS: dict[str, System] = {s.name: s for s in (SALESFORCE, HUBSPOT, MARKETO)}


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
