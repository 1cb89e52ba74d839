-- Salesforce lead status changes in the landing contract's shape: the LeadHistory rows of the
-- field Status (field history tracking must be on for Status). The other fields' rows are kept
-- with _excluded_reason not_a_status_change (landing_rows leaves them out;
-- quality.rpt_source_system_reconciliation counts them).
{%- set history_relation = source('salesforce', 'lead_history') %}
with

lead_history as (
    {%- if var('salesforce__using_lead_history', true) %}
        select * from {{ history_relation }}
    {%- else %}
        select * from {{ history_relation }}
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
        {{ system_lineage(history_relation, 'id', 'lead_history') }}
    from lead_history
)

select * from final
