-- Proof that nothing is lost between the landing zone and the marts: for every canonical table,
-- raw rows (the landing contract's and each source system's conformed rows:
-- rpt_source_system_reconciliation accounts for every system row) = accepted rows + merged-away
-- rows + deleted leads + quarantined rows + superseded versions. A test fails the build when a
-- table does not reconcile.
{%- set tables = [
    {'raw': 'leads', 'source': 'crm', 'base': 'base_crm__leads',
     'accepted': "(select count(*) as n from " ~ ref('int_leads_checked')
        ~ " where _dq_reason is null and not is_merged and not is_deleted)",
     'merged': "(select count(*) as n from " ~ ref('int_leads_checked')
        ~ " where _dq_reason is null and is_merged)",
     'deleted': "(select count(*) as n from " ~ ref('int_leads_checked')
        ~ " where _dq_reason is null and not is_merged and is_deleted)"},
    {'raw': 'activities', 'source': 'marketing', 'base': 'base_marketing__activities',
     'accepted': "(select count(*) as n from " ~ ref('int_activities_checked')
        ~ " where _dq_reason is null)"},
    {'raw': 'lead_status_history', 'source': 'crm', 'base': 'base_crm__lead_status_history',
     'accepted': "(select count(*) as n from " ~ ref('int_lead_status_changes_checked')
        ~ " where _dq_reason is null)"},
    {'raw': 'opportunities', 'source': 'crm', 'base': 'base_crm__opportunities',
     'accepted': "(select count(*) as n from " ~ ref('int_opportunities_checked')
        ~ " where _dq_reason is null)"},
    {'raw': 'opportunity_stage_history', 'source': 'crm',
     'base': 'base_crm__opportunity_stage_history',
     'accepted': "(select count(*) as n from " ~ ref('int_opportunity_stage_histories_checked')
        ~ " where _dq_reason is null)"},
    {'raw': 'campaigns', 'source': 'marketing', 'base': 'base_marketing__campaigns',
     'accepted': "(select count(*) as n from " ~ ref('stg_marketing__campaigns') ~ ")"},
    {'raw': 'campaign_spend', 'source': 'marketing', 'base': 'base_marketing__campaign_spend',
     'accepted': "(select count(*) as n from " ~ ref('stg_marketing__campaign_spend') ~ ")"},
    {'raw': 'accounts', 'source': 'crm', 'base': 'base_crm__accounts',
     'accepted': "(select count(*) as n from " ~ ref('stg_crm__accounts') ~ ")"},
] %}

with

counts as (
    {%- for table in tables %}
        select
            '{{ table.raw }}' as raw_table,
            (select count(*) as n from {{ landing_rows(table.source, table.raw) }}) as raw_rows,
            {{ table.accepted }} as accepted_rows,
            {{ table.get('merged', '0') }} as merged_away_rows,
            {{ table.get('deleted', '0') }} as deleted_rows,
            (select count(*) as n from {{ ref('quarantine_' ~ table.raw) }}) as quarantined_rows,
            (
                select count(*) as n from {{ ref(table.base) }}
                where _is_superseded
            ) as superseded_rows
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        raw_table,
        cast(raw_rows as {{ dbt.type_bigint() }}) as raw_rows,
        cast(accepted_rows as {{ dbt.type_bigint() }}) as accepted_rows,
        cast(merged_away_rows as {{ dbt.type_bigint() }}) as merged_away_rows,
        cast(deleted_rows as {{ dbt.type_bigint() }}) as deleted_rows,
        cast(quarantined_rows as {{ dbt.type_bigint() }}) as quarantined_rows,
        cast(superseded_rows as {{ dbt.type_bigint() }}) as superseded_rows,
        raw_rows
        = accepted_rows + merged_away_rows + deleted_rows + quarantined_rows + superseded_rows
            as is_reconciled
    from counts
)

select * from final
