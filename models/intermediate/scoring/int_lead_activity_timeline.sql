{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
-- Each scored (marketing) activity with the lead's funnel position at that moment: its engagement
-- epoch (recycles so far; a recycle resets engagement history) and whether the lead was blocked
-- from becoming an MQL (in sales' hands, or ever disqualified). One ordered pass per lead over
-- activities and status changes together, the activities' columns carried along: no join of an
-- event to every earlier event, and no join back to the activities.
with

int_activities_resolved as (
    select * from {{ ref('int_activities_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_lead_status_changes_resolved as (
    select * from {{ ref('int_lead_status_changes_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

activity_events as (
    select
        lead_id,
        occurred_at as event_at,
        1 as tie_order,
        0 as lifecycle_rank,
        activity_id as event_id,
        0 as is_status,
        0 as is_recycle,
        0 as is_disqualified,
        0 as is_in_sales,
        original_lead_id,
        activity_type,
        campaign_id,
        category,
        points,
        is_high_intent
    from int_activities_resolved
    where not is_sales_touch
),

-- At one timestamp, status changes come before the activities they govern (a recycle at the
-- instant of an activity starts the new epoch first), and of two status changes the one further
-- along the lifecycle comes last, so it is the status in force (DOMAIN.md 5): a lead recycled
-- and marked working at one instant is recycled.
status_events as (
    select
        lead_id,
        status_changed_at as event_at,
        0 as tie_order,
        lifecycle_rank,
        status_change_id as event_id,
        1 as is_status,
        case when is_recycle then 1 else 0 end as is_recycle,
        case when is_disqualified then 1 else 0 end as is_disqualified,
        case when is_in_sales then 1 else 0 end as is_in_sales,
        cast(null as {{ dbt.type_string() }}) as original_lead_id,
        cast(null as {{ dbt.type_string() }}) as activity_type,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as category,
        cast(null as double precision) as points,
        cast(null as {{ dbt.type_boolean() }}) as is_high_intent
    from int_lead_status_changes_resolved
),

stream as (
    select * from activity_events
    union all
    select * from status_events
),

running as (
    select
        *,
        sum(is_recycle) over lead_order as engagement_epoch,
        sum(is_status) over lead_order as status_sequence,
        max(is_disqualified) over lead_order as was_disqualified
    from stream
    window lead_order as (
        partition by lead_id
        order by event_at, tie_order, lifecycle_rank, event_id
        rows between unbounded preceding and current row
    )
),

carried as (
    select
        *,
        max(case when is_status = 1 then is_in_sales end)
            over (partition by lead_id, status_sequence) as is_in_sales_now
    from running
),

final as (
    select
        event_id as activity_id,
        lead_id,
        original_lead_id,
        activity_type,
        event_at as occurred_at,
        campaign_id,
        category,
        points,
        is_high_intent,
        engagement_epoch,
        (was_disqualified = 1 or coalesce(is_in_sales_now, 0) = 1) as is_mql_blocked
    from carried
    where is_status = 0
)

select * from final
