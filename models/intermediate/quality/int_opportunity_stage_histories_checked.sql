-- Staged stage changes against the opportunity they belong to and the stage order: a change to
-- a stage below one the opportunity already reached goes backwards (a stage regression).
with

stg_crm__opportunity_stage_histories as (
    select * from {{ ref('stg_crm__opportunity_stage_histories') }}
),

stg_crm__opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

opportunity_stages as (
    select * from {{ ref('opportunity_stages') }}
),

ordered as (
    select
        stg_crm__opportunity_stage_histories.*,
        opportunity_stages.stage_order,
        stg_crm__opportunities.opportunity_id is not null as has_opportunity,
        max(opportunity_stages.stage_order) over (
            partition by stg_crm__opportunity_stage_histories.opportunity_id
            order by
                stg_crm__opportunity_stage_histories.stage_changed_at,
                stg_crm__opportunity_stage_histories.stage_change_id
            rows between unbounded preceding and 1 preceding
        ) as highest_stage_before
    from stg_crm__opportunity_stage_histories
    left join stg_crm__opportunities
        on stg_crm__opportunity_stage_histories.opportunity_id
            = stg_crm__opportunities.opportunity_id
    left join opportunity_stages
        on stg_crm__opportunity_stage_histories.stage_name = opportunity_stages.stage_name
),

final as (
    select
        *,
        case
            when not has_opportunity then 'orphan_stage_change'
            when stage_order is null then 'unknown_stage'
            when stage_order < highest_stage_before then 'stage_regression'
        end as _dq_reason,
        case
            when not has_opportunity then 'a stage change needs its opportunity'
            when stage_order is null then 'the stage must be in seed opportunity_stages'
            when stage_order < highest_stage_before
                then 'an opportunity does not go back to an earlier stage'
        end as _dq_rule
    from ordered
)

select * from final
