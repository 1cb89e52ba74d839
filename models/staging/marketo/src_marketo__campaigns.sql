-- Marketo programs as campaigns in the landing contract's shape: the program's channel is the
-- lead source it reports under.
{%- set program_relation = source('marketo', 'program') %}
with

program as (
    select * from {{ program_relation }}
),

final as (
    select
        cast(program.id as {{ dbt.type_string() }}) as campaign_id,
        program.name,
        program.channel as lead_source,
        cast(program.start_date as date) as started_on,
        cast(program.end_date as date) as ended_on,
        'program' as _source_table,
        cast(null as {{ dbt.type_string() }}) as _excluded_reason,
        {{ system_lineage(program_relation, 'id', 'program') }}
    from program
)

select * from final
