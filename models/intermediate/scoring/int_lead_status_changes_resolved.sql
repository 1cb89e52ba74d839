-- Sales status changes re-pointed to the surviving lead, with what each status means for MQL
-- eligibility (DOMAIN.md 3): in sales' hands blocks a new MQL, a recycle starts a new
-- engagement epoch, disqualified is terminal.
with

stg_crm__lead_status_history as (
    select * from {{ ref('stg_crm__lead_status_history') }}
),

stg_crm__leads as (
    select * from {{ ref('stg_crm__leads') }}
),

resolved as (
    select
        stg_crm__lead_status_history.status_change_id,
        stg_crm__leads.surviving_lead_id as lead_id,
        stg_crm__lead_status_history.status,
        stg_crm__lead_status_history.status_changed_at
    from stg_crm__lead_status_history
    inner join stg_crm__leads
        on stg_crm__lead_status_history.lead_id = stg_crm__leads.lead_id
    where stg_crm__lead_status_history.status_changed_at <= {{ as_of_timestamp() }}
),

final as (
    select
        status_change_id,
        lead_id,
        status,
        status_changed_at,
        status in ('working', 'accepted', 'qualified', 'converted') as is_in_sales,
        status = 'recycled' as is_recycle,
        status = 'disqualified' as is_disqualified
    from resolved
)

select * from final
