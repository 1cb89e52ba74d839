"""The vocabularies on hand-made raw rows (landing contract only): delivered spellings map by
vocabulary key through the seeds (country_codes, channel_mapping, the status and stage
vocabularies), what does not map is listed in quality.rpt_unmapped_values with counts and
shares worked out by hand below, an unknown country stays unknown (and is scored neither as a
served nor as an unserved market), and the warning tests on quality.rpt_unmapped_shares warn
above their threshold and pass below it.

Only what these need is built (the seeds, staging, the two reports, the fit score), not the
whole project.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import query, run_dbt

from orchestration.ingestion.contract import LINEAGE_COLUMNS, RAW_SCHEMA, TABLES

LOAD_1 = datetime(2025, 6, 1, 6, 0)
LOAD_2 = datetime(2025, 6, 8, 6, 0)
WARN_TESTS = (
    "unmapped_channel_share_below_warn_threshold",
    "unknown_activity_type_share_below_warn_threshold",
)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _lead(lead_id: str, country: str | None, lead_source: str | None, **overrides) -> dict:
    row = {
        "lead_id": lead_id,
        "email": f"{lead_id.lower()}@example.com",
        "company_name": "Acme",
        "job_title": "Marketing Manager",
        "industry": "Software",
        "employee_count": 250,
        "country": country,
        "lead_source": lead_source,
        "created_at": ts("2025-05-01 09:00"),
        "updated_at": ts("2025-05-01 09:00"),
        "is_deleted": False,
    }
    row.update(overrides)
    return row


def _activity(activity_id: str, activity_type: str | None) -> dict:
    return {
        "activity_id": activity_id,
        "lead_id": "L1",
        "activity_type": activity_type,
        "occurred_at": ts("2025-05-03 10:00"),
    }


# table -> [(file, loaded_at, rows)]; _source_line is the position in the list, from 1.
DATA: dict[str, list[tuple[str, datetime, list[dict]]]] = {
    "leads": [
        (
            "leads/2025-06-01.csv",
            LOAD_1,
            [
                _lead("L1", "U.S.A.", "ORGANIC_SEARCH"),  # US, organic_content
                _lead("L2", "Deutschland", "Google / CPC"),  # DE, paid_search
                _lead("L3", "united kingdom", "Phone Inquiry"),  # GB, unmapped source
                _lead("L4", "Atlantis", "Phone Inquiry"),  # both unmapped; a newer version below
                _lead("L5", "Korea", "Facebook"),  # ambiguous country: unmapped
                _lead("L6", "NA", "Trade Show"),  # Namibia, event
                _lead("L7", None, None),  # nothing delivered: in no denominator, channel other
                _lead("L9", "Atlantis", "Phone Inquiry", created_at=None),  # quarantined
                _lead("L10", "US", "Facebook", merged_into_lead_id="L1"),  # merged away
                _lead("L11", "us", "Podcast", is_deleted=True),  # deleted
                _lead("L12", "Brasil", "webinar"),  # BR (an unserved market), webinar
            ],
        ),
        (
            "leads/2025-06-08.csv",
            LOAD_2,
            [_lead("L4", "Atlantis", "Phone Inquiry", updated_at=ts("2025-06-05 09:00"))],
        ),
    ],
    "accounts": [
        (
            "accounts/2025-06-01.csv",
            LOAD_1,
            [
                {"account_id": "A1", "name": "Wien AG", "country": "Österreich"},
                {"account_id": "A2", "name": "Poseidon", "country": "Atlantis"},
                {"account_id": "A3", "name": "Madrid SL", "country": "España"},
            ],
        )
    ],
    "lead_status_history": [
        (
            "lead_status_history/2025-06-01.csv",
            LOAD_1,
            [
                {"lead_id": "L1", "status": "Open", "changed_at": ts("2025-05-01 09:00")},
                {"lead_id": "L1", "status": "Contacted", "changed_at": ts("2025-05-02 09:00")},
                {"lead_id": "L1", "status": "MQL", "changed_at": ts("2025-05-03 09:00")},
                {"lead_id": "L2", "status": "MQL", "changed_at": ts("2025-05-03 09:00")},
                {
                    "lead_id": "L2",
                    "status": "Sales Qualified Lead",
                    "changed_at": ts("2025-05-04 09:00"),
                },
                {"lead_id": "L3", "status": None, "changed_at": ts("2025-05-04 09:00")},
            ],
        )
    ],
    "opportunities": [
        (
            "opportunities/2025-06-01.csv",
            LOAD_1,
            [
                {
                    "opportunity_id": "O1",
                    "lead_id": "L3",
                    "stage_name": "Discovery",
                    "amount": 1000.0,
                    "lead_source": "PHONE INQUIRY",
                    "created_at": ts("2025-05-10 09:00"),
                    "updated_at": ts("2025-05-10 09:00"),
                },
                {
                    "opportunity_id": "O2",
                    "lead_id": "L2",
                    "stage_name": "Stalled",
                    "amount": 2000.0,
                    "lead_source": "Referral",
                    "created_at": ts("2025-05-10 09:00"),
                    "updated_at": ts("2025-05-10 09:00"),
                },
            ],
        )
    ],
    "opportunity_stage_history": [
        (
            "opportunity_stage_history/2025-06-01.csv",
            LOAD_1,
            [
                {"opportunity_id": "O1", "stage_name": "Discovery", "changed_at": ts("2025-05-10")},
                {"opportunity_id": "O1", "stage_name": "Stalled", "changed_at": ts("2025-05-12")},
                {"opportunity_id": "O2", "stage_name": "Won", "changed_at": ts("2025-05-15")},
            ],
        )
    ],
    "activities": [
        (
            "activities/2025-06-01.parquet",
            LOAD_1,
            [
                _activity("A1", "page_view"),
                _activity("A2", "Page View"),  # the key of page_view
                _activity("A3", "tiktok_like"),
                _activity("A4", "TikTok Like"),  # another spelling: its own row
                _activity("A5", "tiktok_like"),
                _activity("A6", None),  # no type: unknown for the share, no value to list
                _activity("A7", "email_open"),
            ],
        )
    ],
    "campaigns": [
        (
            "campaigns/2025-06-01.csv",
            LOAD_1,
            [
                {
                    "campaign_id": "C1",
                    "name": "Search",
                    "lead_source": "google_cpc",
                    "started_on": date(2025, 4, 1),
                },
                {
                    "campaign_id": "C2",
                    "name": "Pod",
                    "lead_source": "Podcast",
                    "started_on": date(2025, 4, 1),
                },
            ],
        )
    ],  # fmt: skip
    "campaign_spend": [],
}

# The rows of quality.rpt_unmapped_values, by hand: (field, value, unmapped rows, field rows,
# first seen, last seen, source models). Field rows: lead_source 11 lead rows (every raw row
# with a value: L7 has none; L4 twice), 2 opportunities, 2 campaigns; country 11 lead rows and
# 3 accounts; lead_status 5 rows with a status; opportunity_stage 2 opportunities and 3
# changes; activity_type 6 activities with a type.
EXPECTED_UNMAPPED = [
    ("activity_type", "TikTok Like", 1, 6, LOAD_1, LOAD_1, "base_marketing__activities"),
    ("activity_type", "tiktok_like", 2, 6, LOAD_1, LOAD_1, "base_marketing__activities"),
    ("country", "Atlantis", 4, 14, LOAD_1, LOAD_2, "base_crm__accounts, base_crm__leads"),
    ("country", "Korea", 1, 14, LOAD_1, LOAD_1, "base_crm__leads"),
    ("lead_source", "Facebook", 2, 15, LOAD_1, LOAD_1, "base_crm__leads"),
    ("lead_source", "PHONE INQUIRY", 1, 15, LOAD_1, LOAD_1, "base_crm__opportunities"),
    ("lead_source", "Phone Inquiry", 4, 15, LOAD_1, LOAD_2, "base_crm__leads"),
    ("lead_source", "Podcast", 2, 15, LOAD_1, LOAD_1,
     "base_crm__leads, base_marketing__campaigns"),
    ("lead_status", "MQL", 2, 5, LOAD_1, LOAD_1, "base_crm__lead_status_history"),
    ("opportunity_stage", "Stalled", 2, 5, LOAD_1, LOAD_1,
     "base_crm__opportunities, base_crm__opportunity_stage_history"),
]  # fmt: skip
# quality.rpt_unmapped_shares: 8 current leads (L1-L7, L12: L9 is quarantined, L10 merged,
# L11 deleted), 4 in channel other (L3, L4, L5, L7); 7 activities, 4 of unknown type (A3-A6).
EXPECTED_SHARES = ("landing", 8, 4, 4 / 8, 7, 4, 4 / 7)


def build_raw(path: Path) -> None:
    """The raw tables of the landing contract in a new DuckDB file, holding DATA."""
    con = duckdb.connect(str(path))
    try:
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        lineage = [name for name, _ in LINEAGE_COLUMNS]
        for name, table in TABLES.items():
            columns = [f"{c.name} {c.type}" for c in table.columns]
            columns += [f"{c} {t}" for c, t in LINEAGE_COLUMNS]
            con.execute(f"create or replace table {RAW_SCHEMA}.{name} ({', '.join(columns)})")
            names = [*table.column_names, *lineage]
            insert = (
                f"insert into {RAW_SCHEMA}.{name} ({', '.join(names)}) "
                f"values ({', '.join('?' for _ in names)})"
            )
            for source_file, loaded_at, rows in DATA[name]:
                for line, row in enumerate(rows, start=1):
                    values = [row.get(c) for c in table.column_names]
                    lineage_values = {
                        "_source_file": source_file, "_source_line": line,
                        "_loaded_at": loaded_at,
                    }  # fmt: skip
                    con.execute(insert, [*values, *(lineage_values.get(c) for c in lineage)])
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The seeds, staging, the unmapped-value reports and the fit score over DATA."""
    root = tmp_path_factory.mktemp("vocabulary")
    warehouse = root / "vocabulary.duckdb"
    build_raw(warehouse)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_SOURCES", "")  # the landing contract only
        result = run_dbt(
            warehouse, root, "build",
            "--exclude-resource-type", "unit_test",
            "--indirect-selection", "cautious",  # no test of a model left unbuilt
            "--select", "+rpt_unmapped_values", "+rpt_unmapped_shares", "+int_leads_fit_scored",
            "stg_crm__accounts", "stg_marketing__campaigns", "lifecycle_stage_vocabulary",
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-4000:]
        yield {"warehouse": warehouse, "root": root}


def test_the_vocabulary_seeds_are_unambiguous_and_complete(built: dict[str, Path]) -> None:
    results = json.loads((built["root"] / "target" / "run_results.json").read_text())
    statuses = {
        r["unique_id"].split(".")[2]: r["status"]
        for r in results["results"]
        if r["unique_id"].startswith("test.")
    }
    seeds = {
        name.split("_")[2]: status  # unambiguous_vocabulary_<seed>_...
        for name, status in statuses.items()
        if name.startswith("unambiguous_vocabulary_")
    }
    assert seeds == {
        "channel": "pass",
        "country": "pass",
        "lead": "pass",
        "lifecycle": "pass",
        "opportunity": "pass",
    }
    ((codes, rows, namibia),) = query(
        built["warehouse"],
        "select count(distinct country_code), count(*), "
        "count(*) filter (where country_value = 'NA' and country_code = 'NA') "
        "from config.country_codes",
    )
    assert (codes, namibia) == (249, 1) and rows > 3 * codes


def test_delivered_spellings_stage_as_iso_codes_and_channels(built: dict[str, Path]) -> None:
    leads = {
        lead_id: (country, channel)
        for lead_id, country, channel in query(
            built["warehouse"], "select lead_id, country, channel from staging.stg_crm__leads"
        )
    }
    assert leads == {
        "L1": ("US", "organic_content"),  # U.S.A., ORGANIC_SEARCH
        "L2": ("DE", "paid_search"),  # Deutschland, Google / CPC
        "L3": ("GB", "other"),  # united kingdom, Phone Inquiry
        "L4": (None, "other"),  # Atlantis: unknown, not a guess
        "L5": (None, "other"),  # Korea: ambiguous, no row
        "L6": ("NA", "event"),  # NA is Namibia, not a null
        "L7": (None, "other"),
        "L10": ("US", "other"),  # Facebook
        "L11": ("US", "other"),  # Podcast
        "L12": ("BR", "webinar"),  # Brasil
    }
    accounts = query(
        built["warehouse"],
        "select account_id, country, country_as_delivered from staging.stg_crm__accounts "
        "order by 1",
    )
    assert accounts == [
        ("A1", "AT", "Österreich"),
        ("A2", None, "Atlantis"),
        ("A3", "ES", "España"),
    ]
    campaigns = query(
        built["warehouse"],
        "select campaign_id, channel from staging.stg_marketing__campaigns order by 1",
    )
    assert campaigns == [("C1", "paid_search"), ("C2", "other")]


def test_an_unknown_country_is_neither_a_served_nor_an_unserved_market(
    built: dict[str, Path],
) -> None:
    """fit_rules: country_served (+10) for US|CA|GB|..., country_unserved (-30) for any other
    code; a null country matches neither (in_pipe_list of null is null), so a country the seed
    does not know costs nothing instead of 30 points."""
    rules = {
        lead_id: set((matched or "").split(","))
        for lead_id, matched in query(
            built["warehouse"],
            "select lead_id, fit_rules_matched from intermediate.int_leads_fit_scored",
        )
    }
    assert "country_served" in rules["L3"] and "country_unserved" not in rules["L3"]  # GB
    assert "country_unserved" in rules["L12"]  # BR
    for lead_id in ("L4", "L5", "L7"):  # Atlantis, Korea, none
        assert not rules[lead_id] & {"country_served", "country_unserved"}, lead_id


def test_every_unmapped_value_is_reported_with_its_share(built: dict[str, Path]) -> None:
    rows = query(
        built["warehouse"],
        "select source_system, field, value_as_delivered, vocabulary_key, unmapped_rows, "
        "field_rows, share_of_field, first_seen_at, last_seen_at, source_models "
        "from quality.rpt_unmapped_values order by field, value_as_delivered",
    )
    assert [(r[0], r[1], r[2], r[4], r[5], r[7], r[8], r[9]) for r in rows] == [
        ("landing", field, value, n, total, first, last, models)
        for field, value, n, total, first, last, models in EXPECTED_UNMAPPED
    ]
    for row, (*_, n, total, _first, _last, _models) in zip(rows, EXPECTED_UNMAPPED, strict=True):
        assert row[6] == pytest.approx(n / total)
    keys = {r[2]: r[3] for r in rows}
    assert keys["PHONE INQUIRY"] == keys["Phone Inquiry"] == "phoneinquiry"
    assert keys["TikTok Like"] == keys["tiktok_like"] == "tiktoklike"


def test_the_shares_per_source_system(built: dict[str, Path]) -> None:
    (row,) = query(built["warehouse"], "select * from quality.rpt_unmapped_shares")
    assert row[:3] == EXPECTED_SHARES[:3] and row[4:6] == EXPECTED_SHARES[4:6]
    assert row[3] == pytest.approx(EXPECTED_SHARES[3])
    assert row[6] == pytest.approx(EXPECTED_SHARES[6])


def _warn_tests(built: dict[str, Path], threshold: float) -> dict[str, str]:
    """The two warning tests' statuses with both thresholds at `threshold`."""
    variables = {
        "unmapped_channel_share_warn": threshold,
        "unknown_activity_type_share_warn": threshold,
    }
    result = run_dbt(
        built["warehouse"], built["root"] / f"warn_{threshold}", "test",
        "--select", *WARN_TESTS, "--vars", json.dumps(variables),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]  # a warning never fails the build
    run = json.loads((built["root"] / f"warn_{threshold}/target/run_results.json").read_text())
    return {
        r["unique_id"].split(".")[2]: r["status"]
        for r in run["results"]
        if r["unique_id"].startswith("test.")
    }


def test_the_warning_tests_warn_above_their_threshold(built: dict[str, Path]) -> None:
    # Shares: channel other 4/8 = 0.5, unknown activity type 4/7 = 0.57.
    assert _warn_tests(built, 0.45) == dict.fromkeys(WARN_TESTS, "warn")
    assert _warn_tests(built, 0.6) == dict.fromkeys(WARN_TESTS, "pass")


def test_the_summary_carries_the_largest_unmapped_values(built: dict[str, Path]) -> None:
    from orchestration.defs.summary import read_unmapped_values, summary_metadata

    unmapped = read_unmapped_values(built["warehouse"])
    assert unmapped is not None
    count, top = unmapped
    assert count == len(EXPECTED_UNMAPPED)
    # By rows, then share: Atlantis (4 of 14) before Phone Inquiry (4 of 15).
    assert [(field, value, n) for _system, field, value, n, _share in top] == [
        ("country", "Atlantis", 4),
        ("lead_source", "Phone Inquiry", 4),
        ("lead_status", "MQL", 2),
        ("opportunity_stage", "Stalled", 2),
        ("activity_type", "tiktok_like", 2),
    ]
    metadata = {k: v.value for k, v in summary_metadata({}, [], None, unmapped).items()}
    assert metadata["unmapped_values"] == len(EXPECTED_UNMAPPED)
    table = metadata["top_unmapped_values"]
    assert "| landing | country | Atlantis | 4 | 28.6% |" in table
    assert table.splitlines()[-1] == "5 more in quality.rpt_unmapped_values"
