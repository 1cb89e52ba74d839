-- Activities up to the as-of time that passed every rule, counted for the surviving lead (the
-- activities of merged duplicates count for the lead they were merged into), with their scoring
-- configuration. Unknown activity types were quarantined in staging, so the seed join keeps all.
with

int_activities_checked as (
    select * from {{ ref('int_activities_checked') }}
),

scoring_activity_types as (
    select * from {{ ref('scoring_activity_types') }}
),

final as (
    select
        int_activities_checked.activity_id,
        int_activities_checked.lead_id,
        int_activities_checked.original_lead_id,
        int_activities_checked.activity_type,
        int_activities_checked.occurred_at,
        int_activities_checked.campaign_id,
        scoring_activity_types.category,
        scoring_activity_types.points,
        scoring_activity_types.is_high_intent,
        scoring_activity_types.is_sales_touch
    from int_activities_checked
    inner join scoring_activity_types
        on int_activities_checked.activity_type = scoring_activity_types.activity_type
    where
        int_activities_checked._dq_reason is null
        and int_activities_checked.occurred_at <= {{ as_of_timestamp() }}
)

select * from final
