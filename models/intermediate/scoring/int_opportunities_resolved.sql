-- Opportunities up to the as-of time that passed every rule, with their originating lead
-- re-pointed to the surviving lead (null when the opportunity was not sourced from a lead).
with

int_opportunities_checked as (
    select * from {{ ref('int_opportunities_checked') }}
),

final as (
    select
        opportunity_id,
        surviving_lead_id as lead_id,
        lead_id as original_lead_id,
        account_id,
        created_at as opportunity_created_at,
        stage_name,
        amount,
        is_closed,
        is_won,
        closed_at,
        channel
    from int_opportunities_checked
    where
        _dq_reason is null
        and created_at <= {{ as_of_timestamp() }}
)

select * from final
