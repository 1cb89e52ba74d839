-- Sales status changes up to the as-of time that passed every rule, counted for the surviving
-- lead, with what each status means for MQL eligibility (DOMAIN.md 3): in sales' hands blocks a
-- new MQL, a recycle starts a new engagement epoch, disqualified is terminal. lifecycle_rank
-- orders two changes at the same instant (the one further along is the latest) and
-- is_sales_response marks the changes that answer an MQL for speed to lead (DOMAIN.md 5).
with

int_lead_status_changes_checked as (
    select * from {{ ref('int_lead_status_changes_checked') }}
),

lead_statuses as (
    select * from {{ ref('lead_statuses') }}
),

final as (
    select
        int_lead_status_changes_checked.status_change_id,
        int_lead_status_changes_checked.lead_id,
        int_lead_status_changes_checked.status,
        int_lead_status_changes_checked.status_changed_at,
        int_lead_status_changes_checked.status
        in ('working', 'accepted', 'qualified', 'converted') as is_in_sales,
        int_lead_status_changes_checked.status = 'recycled' as is_recycle,
        int_lead_status_changes_checked.status = 'disqualified' as is_disqualified,
        lead_statuses.lifecycle_rank,
        lead_statuses.is_sales_response
    from int_lead_status_changes_checked
    inner join lead_statuses
        on int_lead_status_changes_checked.status = lead_statuses.status
    where
        int_lead_status_changes_checked._dq_reason is null
        and int_lead_status_changes_checked.status_changed_at <= {{ as_of_timestamp() }}
)

select * from final
