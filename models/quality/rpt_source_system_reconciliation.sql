-- Proof that a source system's rows reach the canonical tables or are counted out, per system
-- table read (docs/sources.md): raw rows = rows conformed (to the landing contract, then
-- reconciled like any landing row in rpt_reconciliation) + rows excluded, by reason (a history
-- row of another field, a deleted record, a task on no lead). Tables read only to link others
-- (OpportunityContactRole, Marketo smart campaigns and merges) conform no rows. One row per
-- system, table and outcome; no rows when no source system is read.
{%- set parts = [] -%}
{%- set provided = system_tables() -%}
{%- for system in source_systems() -%}
    {%- for table in provided[system] -%}
        {%- do parts.append({'system': system, 'model': 'src_' ~ system ~ '__' ~ table}) -%}
    {%- endfor -%}
{%- endfor %}

with

outcomes as (
    {%- for part in parts %}
    select
        '{{ part.system }}' as source_system,
        _source_table as source_table,
        '{{ part.model }}' as conformed_by,
        coalesce(_excluded_reason, 'conformed') as outcome,
        count(*) as row_count
    from {{ ref(part.model) }}
    group by _source_table, _excluded_reason
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as conformed_by,
        cast(null as {{ dbt.type_string() }}) as outcome,
        cast(0 as {{ dbt.type_bigint() }}) as row_count
    where 1 = 0
),

raw_counts as (
    {%- for system in source_systems() %}
    {%- for table in system_source_tables()[system]
        if var(system ~ '__using_' ~ table, true) %}
    select
        '{{ system }}' as source_system,
        '{{ table }}' as source_table,
        count(*) as raw_rows
    from {{ source(system, table) }}
    union all
    {%- endfor %}
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(0 as {{ dbt.type_bigint() }}) as raw_rows
    where 1 = 0
),

per_table as (
    select
        raw_counts.source_system,
        raw_counts.source_table,
        raw_counts.raw_rows,
        coalesce(sum(case when outcomes.outcome = 'conformed' then outcomes.row_count end), 0)
            as conformed_rows,
        coalesce(sum(case when outcomes.outcome <> 'conformed' then outcomes.row_count end), 0)
            as excluded_rows,
        {{ dbt.listagg(
            "case when outcomes.outcome <> 'conformed' then outcomes.outcome end", "', '",
            "order by outcomes.outcome"
        ) }} as excluded_reasons,
        count(outcomes.outcome) = 0 as is_lookup_table
    from raw_counts
    left join outcomes
        on
            raw_counts.source_system = outcomes.source_system
            and raw_counts.source_table = outcomes.source_table
    group by raw_counts.source_system, raw_counts.source_table, raw_counts.raw_rows
),

final as (
    select
        source_system,
        source_table,
        cast(raw_rows as {{ dbt.type_bigint() }}) as raw_rows,
        cast(conformed_rows as {{ dbt.type_bigint() }}) as conformed_rows,
        cast(excluded_rows as {{ dbt.type_bigint() }}) as excluded_rows,
        excluded_reasons,
        is_lookup_table,
        is_lookup_table or raw_rows = conformed_rows + excluded_rows as is_reconciled
    from per_table
)

select * from final
