{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
-- One MQL per lead and engagement epoch: the first eligible activity. While a lead is an MQL it
-- stays in the epoch it qualified in, so it cannot MQL again until a recycle opens a new epoch.
with

int_score_events_evaluated as (
    select * from {{ ref('int_score_events_evaluated') }}
    where {{ is_touched_lead('lead_id') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by lead_id, engagement_epoch
            order by occurred_at, activity_id
        ) as eligible_rank
    from int_score_events_evaluated
    where is_mql_eligible
),

final as (
    select
        {{ dbt.hash(dbt.concat(["lead_id", "'|'", "activity_id"])) }} as mql_id,
        lead_id,
        row_number() over (partition by lead_id order by occurred_at, activity_id) as mql_number,
        engagement_epoch,
        occurred_at as mql_at,
        activity_id as trigger_activity_id,
        activity_type as trigger_activity_type,
        definition_version,
        score_threshold,
        fit_score,
        engagement_score,
        lead_score
    from ranked
    where eligible_rank = 1
)

select * from final
