-- Opportunities created up to the as-of time that passed every rule, with their originating lead
-- re-pointed to the surviving lead (null when the opportunity was not sourced from a lead), as
-- they stood at the as-of time: one closed after it is still open then (not won, not lost, no
-- close date), at the last stage it had reached by then.
with

int_opportunities_checked as (
    select * from {{ ref('int_opportunities_checked') }}
),

int_opportunity_stage_histories_checked as (
    select * from {{ ref('int_opportunity_stage_histories_checked') }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

opportunities as (
    select
        int_opportunities_checked.*,
        -- A close with no date cannot be placed in time, so it counts as before the as-of.
        int_opportunities_checked.is_closed
        and coalesce(int_opportunities_checked.closed_at <= as_of.as_of_at, true)
            as is_closed_by_as_of
    from int_opportunities_checked
    cross join as_of
    where
        int_opportunities_checked._dq_reason is null
        and int_opportunities_checked.created_at <= as_of.as_of_at
),

-- The stage an opportunity closed after the as-of time had reached by then.
stages_by_as_of as (
    select
        int_opportunity_stage_histories_checked.opportunity_id,
        int_opportunity_stage_histories_checked.stage_name,
        row_number() over (
            partition by int_opportunity_stage_histories_checked.opportunity_id
            order by
                int_opportunity_stage_histories_checked.stage_changed_at desc,
                int_opportunity_stage_histories_checked.stage_order desc,
                int_opportunity_stage_histories_checked.stage_change_id desc
        ) as recency_rank
    from int_opportunity_stage_histories_checked
    cross join as_of
    where
        int_opportunity_stage_histories_checked._dq_reason is null
        and int_opportunity_stage_histories_checked.stage_changed_at <= as_of.as_of_at
        and int_opportunity_stage_histories_checked.opportunity_id in (
            select opportunities.opportunity_id
            from opportunities
            where opportunities.is_closed and not opportunities.is_closed_by_as_of
        )
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.surviving_lead_id as lead_id,
        opportunities.lead_id as original_lead_id,
        opportunities.account_id,
        opportunities.created_at as opportunity_created_at,
        case
            when opportunities.is_closed and not opportunities.is_closed_by_as_of
                then stages_by_as_of.stage_name
            else opportunities.stage_name
        end as stage_name,
        opportunities.amount,
        opportunities.is_closed_by_as_of as is_closed,
        opportunities.is_won and opportunities.is_closed_by_as_of as is_won,
        case when opportunities.is_closed_by_as_of then opportunities.closed_at end as closed_at,
        opportunities.channel
    from opportunities
    left join stages_by_as_of
        on
            opportunities.opportunity_id = stages_by_as_of.opportunity_id
            and stages_by_as_of.recency_rank = 1
)

select * from final
