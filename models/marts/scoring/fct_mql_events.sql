{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
-- One row per MQL episode: when and why the lead qualified (trigger, definition, scores), the
-- hand-off context for sales (the five activities before the trigger) and what became of it.
with

int_mql_episodes as (
    select * from {{ ref('int_mql_episodes') }}
    where {{ is_touched_lead('lead_id') }}
),

int_lead_activity_timeline as (
    select * from {{ ref('int_lead_activity_timeline') }}
    where {{ is_touched_lead('lead_id') }}
),

int_lead_status_changes_resolved as (
    select * from {{ ref('int_lead_status_changes_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_opportunities_resolved as (
    select * from {{ ref('int_opportunities_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_activities_resolved as (
    select * from {{ ref('int_activities_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

outcomes as (
    {{ mql_episode_outcomes(
        'int_mql_episodes', 'int_lead_status_changes_resolved',
        'int_opportunities_resolved', ['mql_id']
    ) }}
),

prior_activities as (
    select
        int_mql_episodes.mql_id,
        int_lead_activity_timeline.activity_type,
        int_lead_activity_timeline.occurred_at,
        row_number() over (
            partition by int_mql_episodes.mql_id
            order by
                int_lead_activity_timeline.occurred_at desc,
                int_lead_activity_timeline.activity_id desc
        ) as recency_rank
    from int_mql_episodes
    inner join int_lead_activity_timeline
        on
            int_mql_episodes.lead_id = int_lead_activity_timeline.lead_id
            and (
                int_mql_episodes.mql_at > int_lead_activity_timeline.occurred_at
                or (
                    int_mql_episodes.mql_at = int_lead_activity_timeline.occurred_at
                    and int_mql_episodes.trigger_activity_id
                    > int_lead_activity_timeline.activity_id
                )
            )
),

hand_off_context as (
    select
        mql_id,
        {{ dbt.listagg(
            dbt.concat([
                'activity_type', "' ('",
                dbt.cast('occurred_at', api.Column.translate_type('string')), "')'"
            ]),
            "'; '",
            'order by occurred_at, recency_rank desc'
        ) }} as last_five_activities
    from prior_activities
    where recency_rank <= 5
    group by mql_id
),

first_touches as (
    select
        outcomes.mql_id,
        min(int_activities_resolved.occurred_at) as first_sales_activity_at
    from outcomes
    inner join int_activities_resolved
        on
            outcomes.lead_id = int_activities_resolved.lead_id
            and int_activities_resolved.is_sales_touch
            and outcomes.mql_at <= int_activities_resolved.occurred_at
            and (
                outcomes.episode_ended_at is null
                or outcomes.episode_ended_at > int_activities_resolved.occurred_at
            )
    group by outcomes.mql_id
),

final as (
    select
        outcomes.mql_id,
        outcomes.lead_id,
        int_leads_resolved.channel,
        outcomes.mql_number,
        outcomes.engagement_epoch,
        outcomes.mql_at,
        outcomes.trigger_activity_id,
        outcomes.trigger_activity_type,
        outcomes.definition_version,
        outcomes.score_threshold,
        outcomes.fit_score,
        outcomes.engagement_score,
        outcomes.lead_score,
        hand_off_context.last_five_activities,
        case
            when first_touches.first_sales_activity_at is null
                then outcomes.first_sales_status_at
            when outcomes.first_sales_status_at is null
                then first_touches.first_sales_activity_at
            else least(first_touches.first_sales_activity_at, outcomes.first_sales_status_at)
        end as first_sales_touch_at,
        outcomes.accepted_at,
        outcomes.qualified_at,
        outcomes.converted_at,
        outcomes.opportunity_created_at,
        outcomes.disqualified_at,
        outcomes.episode_ended_at as recycled_at,
        outcomes.is_won,
        outcomes.won_amount,
        outcomes.accepted_at is not null as is_accepted,
        outcomes.qualified_at is not null as is_qualified,
        outcomes.outcome
    from outcomes
    inner join int_leads_resolved
        on outcomes.lead_id = int_leads_resolved.lead_id
    left join hand_off_context
        on outcomes.mql_id = hand_off_context.mql_id
    left join first_touches
        on outcomes.mql_id = first_touches.mql_id
)

select * from final
