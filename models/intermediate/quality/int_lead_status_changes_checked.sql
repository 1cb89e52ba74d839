-- Staged status changes against the rules that need the leads (as for activities).
with

stg_crm__lead_status_history as (
    select * from {{ ref('stg_crm__lead_status_history') }}
),

int_leads_checked as (
    select * from {{ ref('int_leads_checked') }}
),

checked as (
    select
        stg_crm__lead_status_history.status_change_id,
        stg_crm__lead_status_history.lead_id as original_lead_id,
        int_leads_checked.surviving_lead_id as lead_id,
        stg_crm__lead_status_history.status,
        stg_crm__lead_status_history.status_changed_at,
        stg_crm__lead_status_history._source_file,
        stg_crm__lead_status_history._source_line,
        {{ lead_link_reason(
            'int_leads_checked', 'survivors',
            'stg_crm__lead_status_history.status_changed_at'
        ) }} as _dq_reason
    from stg_crm__lead_status_history
    left join int_leads_checked
        on stg_crm__lead_status_history.lead_id = int_leads_checked.lead_id
    left join int_leads_checked as survivors
        on int_leads_checked.surviving_lead_id = survivors.lead_id
),

final as (
    select
        *,
        {{ lead_link_rule('_dq_reason') }} as _dq_rule
    from checked
)

select * from final
