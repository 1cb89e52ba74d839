-- Salesforce lead status changes in the landing contract's shape: the LeadHistory rows of the
-- field Status (field history tracking must be on for Status). The other fields' rows are kept
-- with _excluded_reason not_a_status_change (landing_rows leaves them out;
-- quality.rpt_source_system_reconciliation counts them).
with

lead_history as (
    {%- if var('salesforce__using_lead_history', true) %}
        {%- set history_relation = source('salesforce', 'lead_history') %}
        select
            history_row.lead_id,
            history_row.field,
            history_row.new_value,
            history_row.created_date,
            history_row.created_by_id,
            {{ system_lineage(history_relation, 'id', 'history_row') }}
        from {{ history_relation }} as history_row
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as lead_id,
            cast(null as {{ dbt.type_string() }}) as field,
            cast(null as {{ dbt.type_string() }}) as new_value,
            cast(null as {{ dbt.type_timestamp() }}) as created_date,
            cast(null as {{ dbt.type_string() }}) as created_by_id,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at
        where 1 = 0
    {%- endif %}
),

final as (
    select
        lead_history.lead_id,
        lead_history.new_value as status,
        lead_history.created_date as changed_at,
        cast(null as {{ dbt.type_string() }}) as reason,
        lead_history.created_by_id as changed_by,
        'lead_history' as _source_table,
        case
            when lower(lead_history.field) = 'status' then null
            else 'not_a_status_change'
        end as _excluded_reason,
        lead_history._source_file,
        lead_history._source_line,
        lead_history._loaded_at
    from lead_history
)

select * from final
