"""Source systems (docs/sources.md): Salesforce, HubSpot and Marketo as their connectors land them.

- The dbt sources and macros follow orchestration/ingestion/systems.py.
- Hand-written rows in the vendors' own column names, id formats, picklists and timestamp
  formats (tests/fixtures/vendor/) stage to the values worked out by hand, and each kind of bad
  input ends in a quarantine row, a reject or a report with its reason; every system row is
  accounted for.

The same world through each system's shape: test_source_system_shapes.py.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import PROJECT_DIR, load_landing_systems, query, run_dbt, sources

from orchestration.ingestion.systems import SYSTEMS

VENDOR_FIXTURE = PROJECT_DIR / "tests" / "fixtures" / "vendor"
BUILD = ("build", "--exclude-resource-type", "unit_test")


# ---------------------------------------------------------------------------------------------
# The declarations agree
# ---------------------------------------------------------------------------------------------


def test_system_sources_follow_the_systems_contract() -> None:
    for name, system in SYSTEMS.items():
        path = PROJECT_DIR / "models" / "staging" / name / f"_{name}__sources.yml"
        (source,) = yaml.safe_load(path.read_text())["sources"]
        assert source["name"] == name
        assert "raw_" + name in source["schema"]
        declared = {
            table["name"]: [(c["name"], c["data_type"]) for c in table["columns"]]
            for table in source["tables"]
        }
        assert declared == {
            t.name: [(c.name, c.type.lower()) for c in t.columns] for t in system.tables.values()
        }
    macros = (PROJECT_DIR / "macros" / "source_system_tables.sql").read_text()
    listed = macros[macros.index("system_source_tables") :]
    for name, system in SYSTEMS.items():
        block = listed[listed.index(f"'{name}':") :]
        block = block[: block.index("]")]
        assert re.findall(r"'([a-z_]+)'", block)[1:] == list(system.tables), name


def test_an_unknown_system_is_a_clear_error() -> None:
    from orchestration.ingestion.systems import parse_sources

    assert parse_sources("Salesforce + marketo") == ("salesforce", "marketo")
    assert parse_sources("landing") == ()
    with pytest.raises(ValueError, match="unknown source system.*pipedrive"):
        parse_sources("salesforce,pipedrive")


# ---------------------------------------------------------------------------------------------
# Hand-written vendor rows
# ---------------------------------------------------------------------------------------------


# HubSpot is read in place, as from a connector's schema in the warehouse (var hubspot_schema):
# its rows typed by the loader into a scratch warehouse, then copied without the loader's
# lineage columns and with the connector's _fivetran_synced. Salesforce and Marketo arrive as
# files, as on the embedded default.
CONNECTOR_SCHEMA = "hubspot_connector"
SYNCED = "2025-06-01 06:00:00"
LATER_SYNC = "2025-06-02 06:00:00"


@pytest.fixture(scope="module")
def vendor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("vendor")
    landing = root / "landing"
    ignore = shutil.ignore_patterns("*.md", "hubspot")
    shutil.copytree(VENDOR_FIXTURE, landing, ignore=ignore)
    warehouse = root / "vendor.duckdb"
    load_landing_systems(landing, warehouse, ("salesforce", "marketo"))
    hubspot_files = root / "hubspot_files"
    shutil.copytree(VENDOR_FIXTURE / "hubspot", hubspot_files / "hubspot")
    scratch = root / "scratch.duckdb"
    load_landing_systems(hubspot_files, scratch, ("hubspot",))
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"attach '{scratch}' as scratch (read_only)")
        con.execute(f"create schema {CONNECTOR_SCHEMA}")
        for name, table in SYSTEMS["hubspot"].tables.items():
            columns = ", ".join(f'"{column}"' for column in table.column_names)
            con.execute(
                f"create table {CONNECTOR_SCHEMA}.{name} as select {columns}, "
                f"timestamp '{SYNCED}' as _fivetran_synced from scratch.raw_hubspot.{name}"
            )
        # The merged contact 103 (Linus's second record) was synced a day later.
        con.execute(
            f"update {CONNECTOR_SCHEMA}.contact set _fivetran_synced = timestamp '{LATER_SYNC}'"
            " where id = 103"
        )
        con.execute("create schema hubspot_loads")
        con.execute("create table hubspot_loads.rejects as select * from scratch.raw._load_rejects")
    finally:
        con.close()
    with sources("salesforce,hubspot,marketo"):
        vars_ = f'{{"hubspot_schema": "{CONNECTOR_SCHEMA}"}}'
        result = run_dbt(warehouse, root, *BUILD, "--vars", vars_)
    assert result.returncode == 0, result.stdout[-4000:]
    yield warehouse


def rows(warehouse: Path, sql: str) -> dict:
    return {row[0]: row[1:] for row in query(warehouse, sql)}


def test_salesforce_leads_stage_with_vocabularies_merges_and_countries(vendor: Path) -> None:
    leads = rows(
        vendor,
        """
        select lead_id, email, country, country_as_delivered, channel, merge_chain_status,
            surviving_lead_id, is_deleted, source_system, created_at
        from staging.stg_crm__leads
        """,
    )
    assert leads["00Q000000000001"][:2] == ("ada@analytical.io", "US")
    assert leads["00Q000000000001"][3] == "organic_content"  # 'Web'
    assert leads["00Q000000000002"][1:4] == ("DE", "Deutschland", "organic_content")
    # +0200: 09:00 local is 07:00 UTC.
    assert str(leads["00Q000000000002"][8]) == "2025-05-02 07:00:00"
    # A merged lead: Salesforce deletes the loser of a merge; here it is merged, not deleted.
    assert leads["00Q000000000003"][4:7] == ("merged", "00Q000000000001", False)
    # Merged into a lead no one delivered: dangling, reported, kept.
    assert leads["00Q000000000004"][4:6] == ("dangling", None)
    # An unknown country is kept as delivered and not turned into a code.
    assert leads["00Q000000000005"][1:3] == (None, "Atlantis")
    assert {v[7] for v in leads.values()} == {"salesforce", "hubspot", "marketo"}
    # The lead with the unparseable CreatedDate never reached raw: it is a load reject.
    assert "00Q000000000006" not in leads
    (reject,) = query(
        vendor, "select table_name, source_line, reason from raw._load_rejects order by 1"
    )
    assert reject == ("salesforce.lead", 7, "created_date: cannot parse 'yesterday' as TIMESTAMP")


def test_marketo_people_are_stitched_to_crm_leads(vendor: Path) -> None:
    people = rows(
        vendor,
        """
        select lead_id, merged_into_lead_id, surviving_lead_id
        from staging.stg_crm__leads where source_system = 'marketo'
        """,
    )
    assert people == {
        "marketo:11": ("00Q000000000001", "00Q000000000001"),  # sfdc_lead_id
        "marketo:12": ("00Q000000000002", "00Q000000000002"),  # ' GRACE@cobol.dev '
        "marketo:13": (None, "marketo:13"),
        "marketo:14": (None, "marketo:14"),
        "marketo:15": ("104", "104"),  # 'Ken@Unix.dev': the HubSpot contact, by e-mail
    }
    unmatched = rows(vendor, "select lead_id, reason from quality.rpt_unmatched_people")
    assert unmatched == {
        "marketo:13": ("no_crm_match",),
        "marketo:14": ("sfdc_lead_id_not_found",),
    }


def test_activities_of_both_systems_map_to_activity_types(vendor: Path) -> None:
    activities = rows(
        vendor,
        """
        select activity_id, lead_id, activity_type, occurred_at, campaign_id, _dq_reason
        from staging.base_marketing__activities
        """,
    )
    assert activities["00T000000000001"][:2] == ("00Q000000000001", "sales_call")
    assert activities["00T000000000002"][1] == "email_reply"  # 'Re: pricing question'
    # A task on the contact the lead was converted into is the lead's.
    assert activities["00T000000000003"][:2] == ("00Q000000000002", "sales_email")
    assert activities["00U000000000001"][1] == "meeting_held"
    assert activities["9001"][:2] == ("marketo:11", "pricing_page_view")
    assert activities["9002"][1:2] == ("page_view",)
    assert activities["9002"][3] == "5"  # smart campaign 50 -> program 5
    assert activities["9101"][1] == "demo_request"
    assert str(activities["9101"][2]) == "2025-05-02 04:05:00"  # +02:00
    assert str(activities["9201"][2]) == "2025-05-01 08:00:00"  # epoch milliseconds
    assert activities["9301"][1] == "webinar_registered"
    assert activities["9302"][1:] == (
        "change status in progression / waitlisted",
        activities["9302"][2],
        "5",
        "unknown_activity_type",
    )
    # Deleted tasks and a task on no one are not activities: counted out, not lost.
    assert "00T000000000004" not in activities and "00T000000000005" not in activities


def test_opportunities_find_their_lead_stage_and_close(vendor: Path) -> None:
    deals = rows(
        vendor,
        """
        select opportunity_id, lead_id, stage_name, is_known_stage, closed_at
        from staging.base_crm__opportunities
        """,
    )
    assert deals["006000000000001"][:3] == ("00Q000000000002", "Closed Won", True)
    assert str(deals["006000000000001"][3]) == "2025-05-30 15:00:00"  # entered Closed Won
    assert deals["006000000000002"][:3] == ("00Q000000000002", "Proposal", True)  # contact role
    assert deals["006000000000003"][1:3] == ("Verbal Commit", False)  # kept, reported
    stages = query(
        vendor,
        "select opportunity_id, stage_name from staging.stg_crm__opportunity_stage_histories"
        " where source_system = 'salesforce' order by 1, 2",
    )
    # The amount-only history row is not a stage change.
    assert stages == [
        ("006000000000001", "Closed Won"),
        ("006000000000001", "Discovery"),
        ("006000000000002", "Proposal"),
    ]
    (status,) = query(
        vendor,
        "select status_as_delivered, _dq_reason from staging.base_crm__lead_status_history"
        " where status is null and source_system = 'salesforce'",
    )
    assert status == ("Hot Prospect", "invalid_status")


def test_every_system_row_is_accounted_for(vendor: Path) -> None:
    tables = rows(
        vendor,
        """
        select source_system || '.' || source_table, raw_rows, conformed_rows, excluded_rows,
            excluded_reasons, is_reconciled
        from quality.rpt_source_system_reconciliation
        """,
    )
    assert all(t[-1] for t in tables.values())
    assert tables["salesforce.lead_history"][:4] == (6, 5, 1, "not_a_status_change")
    assert tables["salesforce.task"][:4] == (5, 3, 2, "deleted_in_source, not_on_a_lead")
    assert tables["salesforce.account"][:3] == (2, 1, 1)
    assert tables["marketo.lead"][:3] == (5, 5, 0)
    assert tables["hubspot.contact_property_history"][:4] == (
        9,
        7,
        2,
        "lifecycle_stage_without_status, not_a_status_change",
    )
    assert tables["hubspot.email_event"][:4] == (
        7,
        3,
        4,
        "ambiguous_recipient, no_contact_for_recipient, not_an_activity",
    )
    assert tables["hubspot.engagement"][:4] == (
        5,
        2,
        3,
        "deleted_in_source, not_an_activity, not_on_a_lead",
    )
    assert tables["hubspot.deal_stage"][:4] == (6, 5, 1, "not_a_stage_change")
    assert tables["hubspot.deal_contact"] == (4, 0, 0, None, True)  # a lookup table
    # Every canonical table reconciles from its union of systems to the marts.
    reconciled = query(vendor, "select raw_table, is_reconciled from quality.rpt_reconciliation")
    assert reconciled and all(ok for _, ok in reconciled)


def test_unmapped_vendor_values_are_reported(vendor: Path) -> None:
    unmapped = {
        (field, value)
        for field, value in query(
            vendor, "select field, value_as_delivered from quality.rpt_unmapped_values"
        )
    }
    assert ("lead_status", "Hot Prospect") in unmapped
    assert ("opportunity_stage", "Verbal Commit") in unmapped
    assert ("activity_type", "Change Status in Progression / Waitlisted") in unmapped
    assert ("country", "Atlantis") in unmapped
    assert {
        ("lead_status", "NURTURE_LATER"),  # an unknown hs_lead_status
        ("lead_status", "champion"),  # an unknown lifecycle stage
        ("opportunity_stage", "verbalcommit"),  # a stage id no pipeline stage has
        ("employee_count", "about twenty"),  # neither a number nor a range
        ("lead_source", "OFFLINE"),  # an Original Source no channel has
    } <= unmapped


# ---------------------------------------------------------------------------------------------
# HubSpot's hand-written rows (tests/fixtures/vendor/hubspot/)
# ---------------------------------------------------------------------------------------------


def test_hubspot_contacts_stage_with_merges_ranges_and_original_source(vendor: Path) -> None:
    contacts = rows(
        vendor,
        """
        select lead_id, email, country, channel, employee_count, account_id, merge_chain_status,
            surviving_lead_id, is_deleted, created_at
        from staging.stg_crm__leads where source_system = 'hubspot'
        """,
    )
    # Epoch milliseconds; Finland by name; no own lead source, so the Original Source
    # ORGANIC_SEARCH; numemployees '25-50' is its lower bound; the associated company.
    assert contacts["101"] == (
        "linus@kernel.org", "FI", "organic_content", 25, "501", "not_merged", "101", False,
        contacts["101"][-1],
    )  # fmt: skip
    assert str(contacts["101"][-1]) == "2025-05-01 08:00:00"
    # The portal's own lead source wins over the Original Source; '1,000+' is 1000.
    assert contacts["102"][2:4] == ("webinar", 1000)
    # Merged (contact_merge_audit), not deleted, although HubSpot removed it.
    assert contacts["103"][5:8] == ("merged", "101", False)
    # numemployees 'about twenty' is no count (and reported); deleted is deleted.
    assert contacts["104"][3] is None and contacts["105"][7] is True
    # Merged into a contact no one delivered: dangling, kept, reported.
    assert contacts["108"][5:7] == ("dangling", None)
    # Its createdate 'soon' was a load reject of the files the connector's tables were made of.
    assert "106" not in contacts
    (reject,) = query(vendor, "select table_name, source_line, reason from hubspot_loads.rejects")
    assert reject == ("hubspot.contact", 7, "property_createdate: cannot parse 'soon' as TIMESTAMP")


def test_hubspot_read_in_place_has_the_connectors_lineage(vendor: Path) -> None:
    """Read in place, a row's "file" is its table and key, its load time the connector's sync:
    unique per row, also for the history tables' composite keys."""
    lineage = query(
        vendor,
        """
        select _source_file, _source_line, _loaded_at
        from staging.src_hubspot__lead_status_history order by 1
        """,
    )
    assert lineage[0][0] == "contact_property_history/101/email/2025-05-01 08:00:00"
    assert {(line, str(loaded)) for _, line, loaded in lineage} == {(1, SYNCED)}
    assert len({file for file, _, _ in lineage}) == len(lineage) == 9
    (contact,) = query(
        vendor, "select _source_file from staging.src_hubspot__leads where lead_id = '101'"
    )
    assert contact == ("contact/101",)
    # An e-mail event is loaded again when any contact that has or had its recipient's address
    # is: e-0001 went to Linus, whose merged second record 103 was synced later.
    loaded = rows(
        vendor,
        "select activity_id, cast(_loaded_at as varchar) from staging.src_hubspot__activities",
    )
    assert loaded["e-0001"] == (LATER_SYNC,)
    assert loaded["e-0002"] == loaded["801"] == (SYNCED,)


def test_hubspot_statuses_come_from_lead_status_and_lifecycle_stage(vendor: Path) -> None:
    changes = query(
        vendor,
        """
        select lead_id, status_as_delivered, status, _dq_reason, changed_by
        from staging.base_crm__lead_status_history where source_system = 'hubspot'
        order by lead_id, status_changed_at
        """,
    )
    assert changes == [
        ("101", "NEW", "open", None, "user-7"),
        ("101", "IN_PROGRESS", "working", None, "user-7"),
        # lifecyclestage salesqualifiedlead (seed lifecycle_stage_vocabulary) is an SQL; its
        # 'lead' row implies no status and is counted out, as is the email property's row.
        ("101", "qualified", "qualified", None, "wf-12"),
        ("102", "OPEN", "open", None, "user-8"),
        ("102", "converted", "converted", None, None),  # 'Opportunity': any spelling
        ("104", "NURTURE_LATER", None, "invalid_status", "user-7"),
        ("104", "champion", None, "invalid_status", None),  # an unknown lifecycle stage
    ]


def test_hubspot_deals_find_their_contact_stage_and_close(vendor: Path) -> None:
    deals = rows(
        vendor,
        """
        select opportunity_id, lead_id, account_id, stage_as_delivered, stage_name,
            is_known_stage, is_closed, is_won, closed_at, channel
        from staging.base_crm__opportunities where source_system = 'hubspot'
        """,
    )
    # Closed and won from the pipeline stage (no hs_is_closed on the deal); closed when it
    # entered closedwon (deal_stage), not at its closedate.
    assert deals["701"][:7] == ("102", "502", "Closed Won", "Closed Won", True, True, True)
    assert (str(deals["701"][7]), deals["701"][8]) == ("2025-05-28 15:00:00", "webinar")
    # The lowest associated contact; the label 'Contract Sent' through the vocabulary.
    assert deals["702"][:7] == ("101", "501", "Contract Sent", "Negotiation", True, False, False)
    assert deals["703"][2:5] == ("verbalcommit", "verbalcommit", False)  # kept, reported
    assert "704" not in deals  # deleted: counted out
    stages = query(
        vendor,
        "select opportunity_id, stage_name from staging.stg_crm__opportunity_stage_histories"
        " where source_system = 'hubspot' order by 1, 2",
    )
    # 702 entered contractsent twice: the second is not a stage change.
    assert stages == [
        ("701", "Closed Won"),
        ("701", "Discovery"),
        ("701", "Negotiation"),
        ("702", "Discovery"),
        ("702", "Negotiation"),
    ]


def test_hubspot_email_events_forms_and_engagements_are_activities(vendor: Path) -> None:
    activities = rows(
        vendor,
        """
        select activity_id, lead_id, activity_type, occurred_at, campaign_id, url, _dq_reason
        from staging.base_marketing__activities where source_system = 'hubspot'
        """,
    )
    # The recipient's contact: 'Linus@Kernel.org' is 101 (103 has the address too, but it is
    # merged); the marketing e-mail is the campaign; epoch milliseconds.
    assert activities["e-0001"][:2] == ("101", "email_open")
    assert (str(activities["e-0001"][2]), activities["e-0001"][3]) == ("2025-05-08 09:00:00", "5")
    assert activities["e-0002"][1:2] == ("email_click",)
    assert activities["e-0002"][4] == "https://www.example.com/pricing?utm_source=email"
    assert activities["e-0005"][:2] == ("104", "unsubscribe")
    # A form submission is typed by its form's name (else the page title); the campaign is the
    # page URL's utm_campaign, the URL the page without its query string.
    assert activities["c-0001"][:2] == ("102", "demo_request")
    assert activities["c-0001"][3:5] == ("5", "https://www.example.com/demo")
    assert activities["c-0002"][1] == "content_download"
    assert activities["c-0003"][1:2] == ("form_submit",)
    assert activities["801"][:2] == ("101", "sales_call")
    assert activities["804"][:2] == ("102", "email_reply")  # INCOMING_EMAIL: the contact replied
    # Sent and delivered e-mails, a note, a deleted meeting, an e-mail on no contact, and events
    # to an unknown or a shared recipient are counted out (test_every_system_row_is_accounted_for).
    for counted_out in ("e-0003", "e-0004", "e-0006", "e-0007", "802", "803", "805"):
        assert counted_out not in activities
    excluded = rows(
        vendor,
        "select activity_id, _excluded_reason from staging.src_hubspot__activities"
        " where _excluded_reason is not null",
    )
    assert excluded == {
        "e-0003": ("not_an_activity",),
        "e-0004": ("no_contact_for_recipient",),
        "e-0006": ("not_an_activity",),
        "e-0007": ("ambiguous_recipient",),
        "802": ("not_an_activity",),
        "803": ("deleted_in_source",),
        "805": ("not_on_a_lead",),
    }


def test_every_optional_table_can_be_switched_off(vendor: Path, tmp_path: Path) -> None:
    """A connector that does not sync an optional table: `<system>__using_<table>: false` for
    every one of them at once still builds each system's src_ models and the reconciliation,
    which then reads only the tables left."""
    switches = {}
    for name in SYSTEMS:
        path = PROJECT_DIR / "models" / "staging" / name / f"_{name}__sources.yml"
        (source,) = yaml.safe_load(path.read_text())["sources"]
        for table in source["tables"]:
            enabled = table.get("config", {}).get("enabled", "")
            match = re.search(r"var\('(\w+__using_\w+)'", enabled)
            if match:
                switches[match.group(1)] = table["name"]
    assert {"hubspot__using_email_event", "salesforce__using_task"} <= set(switches)
    warehouse = tmp_path / "switched_off.duckdb"
    shutil.copy(vendor, warehouse)
    off = ", ".join(f'"{switch}": false' for switch in switches)
    with sources("salesforce,hubspot,marketo"):
        result = run_dbt(
            warehouse, tmp_path, "build", "--exclude-resource-type", "unit_test",
            "--select", "path:models/staging/salesforce", "path:models/staging/hubspot",
            "path:models/staging/marketo", "rpt_source_system_reconciliation",
            "--vars", f'{{"hubspot_schema": "{CONNECTOR_SCHEMA}", {off}}}',
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    read = {
        table
        for (table,) in query(
            warehouse,
            "select source_system || '__using_' || source_table"
            " from quality.rpt_source_system_reconciliation",
        )
    }
    assert read and not read & set(switches)
    assert query(warehouse, "select count(*) from staging.src_hubspot__activities") == [(0,)]
    (leads,) = query(
        warehouse,
        "select count(*) from staging.src_hubspot__leads where merged_into_lead_id is not null",
    )
    assert leads == (0,)  # no merge audit: no contact is merged
