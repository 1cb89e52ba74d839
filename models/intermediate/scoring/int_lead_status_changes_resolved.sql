-- Sales status changes up to the as-of time that passed every rule, counted for the surviving
-- lead, with what each status means for MQL eligibility (DOMAIN.md 3): in sales' hands blocks a
-- new MQL, a recycle starts a new engagement epoch, disqualified is terminal.
with

int_lead_status_changes_checked as (
    select * from {{ ref('int_lead_status_changes_checked') }}
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
    from int_lead_status_changes_checked
    where
        _dq_reason is null
        and status_changed_at <= {{ as_of_timestamp() }}
)

select * from final
