"""The staging layer on hand-made raw rows (tests/fixtures/staging_fixture.py): every raw row is
staged, caught by a row-level rule with the right reason (the staging part of its
quality.quarantine_<table>), or counted as superseded, and the normalisation and
merge-chain resolution give the values worked out by hand."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, query, run_dbt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))

from staging_fixture import EXPECTED, build  # noqa: E402

SOURCES = {
    "leads": ("crm", "stg_crm__leads"),
    "lead_status_history": ("crm", "stg_crm__lead_status_history"),
    "opportunities": ("crm", "stg_crm__opportunities"),
    "opportunity_stage_history": ("crm", "stg_crm__opportunity_stage_histories"),
    "accounts": ("crm", "stg_crm__accounts"),
    "activities": ("marketing", "stg_marketing__activities"),
    "campaigns": ("marketing", "stg_marketing__campaigns"),
    "campaign_spend": ("marketing", "stg_marketing__campaign_spend"),
}


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Builds the seeds and the staging layer (with their tests) over the hand-made rows."""
    root = tmp_path_factory.mktemp("staging")
    warehouse = root / "fixture.duckdb"  # not staging.duckdb: a catalog named like a schema
    build(str(warehouse))
    result = run_dbt(
        warehouse, root, "build",
        "--exclude-resource-type", "unit_test",  # tests/models/test_dbt_unit_tests.py runs them
        "--select", "path:seeds", "path:models/staging",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    yield warehouse


def counts(warehouse: Path, table: str) -> tuple[int, int, int, int]:
    source, stg = SOURCES[table]
    (row,) = query(
        warehouse,
        f"""
        select
            (select count(*) from raw.{table}),
            (select count(*) from staging.{stg}),
            (select count(*) from staging.base_{source}__{table} where _dq_reason is not null),
            (select count(*) from staging.base_{source}__{table} where _is_superseded)
        """,
    )
    return row


@pytest.mark.parametrize("table", sorted(SOURCES))
def test_every_raw_row_is_staged_quarantined_or_superseded(staged: Path, table: str) -> None:
    raw, stg, quarantined, superseded = counts(staged, table)
    assert raw == stg + quarantined + superseded
    assert (raw, stg, quarantined, superseded) == EXPECTED[table]


def test_quarantine_reasons(staged: Path) -> None:
    rows = query(
        staged,
        "select lead_id, _dq_reason, _dq_rule, _source_file, _source_line "
        "from staging.base_crm__leads where _dq_reason is not null "
        "order by _source_file, _source_line",
    )
    assert rows == [
        (None, "null_key", "lead_id_not_null", "leads/2025-06-01.csv", 16),
        (None, "null_key", "lead_id_not_null", "leads/2025-06-01.csv", 17),
        ("L017", "null_required", "created_at_not_null", "leads/2025-06-01.csv", 18),
        ("L020", "duplicate_key", "one_row_per_key_and_version", "leads/2025-06-01.csv", 20),
        ("L021", "duplicate_row", "one_row_per_key_and_version", "leads/2025-06-01.csv", 22),
        ("L022", "future_timestamp", "created_at_not_after_load", "leads/2025-06-01.csv", 23),
        ("L001", "duplicate_row", "one_row_per_key_and_version", "leads/2025-06-08.csv", 2),
        ("L016", "future_timestamp", "updated_at_not_after_load", "leads/2025-06-08.csv", 3),
    ]
    reasons = {
        table: {
            r
            for (r,) in query(
                staged,
                f"select distinct _dq_reason from staging.{name} where _dq_reason is not null",
            )
        }
        for table, name in [
            ("activities", "base_marketing__activities"),
            ("status", "base_crm__lead_status_history"),
            ("opportunities", "base_crm__opportunities"),
            ("spend", "base_marketing__campaign_spend"),
        ]
    }
    assert reasons["activities"] == {
        "null_key", "null_required", "unknown_activity_type", "future_timestamp",
        "duplicate_key", "duplicate_row",
    }  # fmt: skip
    assert reasons["status"] == {
        "null_key",
        "invalid_status",
        "future_timestamp",
        "duplicate_key",
        "duplicate_row",
    }
    assert reasons["opportunities"] == {"null_key", "negative_amount", "future_timestamp"}
    assert reasons["spend"] == {"null_key", "negative_amount", "future_timestamp", "duplicate_key"}


def test_leads_are_normalised_and_merge_chains_resolved(staged: Path) -> None:
    rows = {
        r[0]: r[1:]
        for r in query(
            staged,
            "select lead_id, email, email_domain_type, seniority, persona, industry, country, "
            "channel, surviving_lead_id, merge_hop_count, merge_chain_status, updated_at::varchar "
            "from staging.stg_crm__leads",
        )
    }
    assert rows["L001"][:7] == (
        "jane.doe@example.com", "business", "c_level", "marketing", "financial_services", "US",
        "ai_referral",
    )  # fmt: skip
    assert rows["L002"][2:4] == ("vp", "sales")  # the newer version: 'SVP Sales'
    assert rows["L002"][10] == "2025-06-05 10:00:00"
    assert rows["L003"][2:4] == ("manager", "revops")
    assert rows["L004"][1:4] == ("personal", "c_level", "executive")
    assert rows["L008"][1] == "competitor"
    assert rows["L013"][4] == "health_wellness"
    assert rows["L010"][6] == rows["L011"][6] == "other"  # unmapped and missing lead source
    merges = {lead: r[7:10] for lead, r in rows.items()}
    assert merges["L003"] == ("L002", 1, "merged")
    assert merges["L004"] == ("L002", 2, "merged")
    assert merges["L005"] == (None, None, "cycle")  # self-merge
    assert merges["L006"] == merges["L007"] == (None, None, "cycle")
    assert merges["L008"] == (None, None, "dangling")
    assert merges["L010"] == (None, None, "too_long")  # 6 hops
    assert merges["L011"] == ("L016", 5, "merged")
    assert merges["L016"] == ("L016", 0, "not_merged")
    # the invalid later version of L016 is quarantined, the older good one stays
    assert rows["L016"][10] == "2025-05-01 09:00:00"


def test_sources_declare_the_contract_columns() -> None:
    """The source YAML follows orchestration/ingestion/contract.py: the same tables, columns
    and types."""
    import yaml

    from orchestration.ingestion.contract import TABLES

    declared = {}
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            if source["name"] not in ("crm", "marketing"):
                continue  # a source system (tests/models/test_source_systems.py)
            assert source["schema"] == "raw"
            for table in source["tables"]:
                declared[table["name"]] = [(c["name"], c["data_type"]) for c in table["columns"]]
    from orchestration.ingestion.contract import LINEAGE_COLUMNS

    lineage = [(name, type_.lower()) for name, type_ in LINEAGE_COLUMNS]
    assert declared == {
        name: [(c.name, c.type.lower()) for c in table.columns] + lineage
        for name, table in TABLES.items()
    }


def test_lead_statuses_seed_matches_the_contract() -> None:
    import csv

    from orchestration.ingestion.contract import LEAD_STATUSES

    with (PROJECT_DIR / "seeds" / "reference" / "lead_statuses.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["status_label"] for r in rows) == sorted(LEAD_STATUSES)
    assert all(r["status"] == r["status_label"].lower() for r in rows)


def test_a_base_model_column_of_unknown_kind_is_a_compile_error(tmp_path: Path) -> None:
    result = run_dbt(
        tmp_path / "compile.duckdb", tmp_path,
        "compile", "--inline", "select {{ staged_value('currency', 'amount') }}",
    )  # fmt: skip
    assert result.returncode != 0
    assert "unknown kind 'currency'" in result.stdout
