-- Nothing is dropped silently in staging: for every raw table,
-- raw rows = staged rows + quarantined rows + superseded rows.
-- Shown in Dagster as a check on the leads staging model (a singular test needs one asset).
{{ config(meta={'dagster': {'ref': {'name': 'stg_crm__leads'}}}) }}
{%- set tables = [
    ('crm', 'leads', 'stg_crm__leads'),
    ('crm', 'lead_status_history', 'stg_crm__lead_status_history'),
    ('crm', 'opportunities', 'stg_crm__opportunities'),
    ('crm', 'opportunity_stage_history', 'stg_crm__opportunity_stage_histories'),
    ('crm', 'accounts', 'stg_crm__accounts'),
    ('marketing', 'activities', 'stg_marketing__activities'),
    ('marketing', 'campaigns', 'stg_marketing__campaigns'),
    ('marketing', 'campaign_spend', 'stg_marketing__campaign_spend'),
] %}

with

row_counts as (
    {%- for source_name, table_name, stg_model in tables %}
        select
            '{{ source_name }}.{{ table_name }}' as source_table,
            (select count(*) as n from {{ source(source_name, table_name) }}) as raw_rows,
            (select count(*) as n from {{ ref(stg_model) }}) as stg_rows,
            (
                select count(*) as n
                from {{ ref('quarantine_' ~ source_name ~ '__' ~ table_name) }}
            ) as quarantined_rows,
            (
                select count(*) as n
                from {{ ref('base_' ~ source_name ~ '__' ~ table_name) }}
                where _is_superseded
            ) as superseded_rows
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

unreconciled as (
    select *
    from row_counts
    where raw_rows != stg_rows + quarantined_rows + superseded_rows
)

select * from unreconciled
