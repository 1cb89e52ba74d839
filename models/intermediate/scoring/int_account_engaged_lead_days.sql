{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
-- One row per engaged lead-day of a lead with an account: the day's first and last event with
-- engagement >= min_engagement_score (seed account_qualification_rules), which is all the
-- window test of fct_account_qualification needs. The scored events (the rows of the
-- fct_lead_score_events ledger) are reduced here, once per touched lead, not read whole by every
-- build.
with

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_score_events_evaluated as (
    select * from {{ ref('int_score_events_evaluated') }}
    where {{ is_touched_lead('lead_id') }}
),

account_qualification_rules as (
    select * from {{ ref('account_qualification_rules') }}
),

engaged_events as (
    select
        int_leads_resolved.account_id,
        int_score_events_evaluated.lead_id,
        int_score_events_evaluated.occurred_at,
        {{ epoch_seconds('int_score_events_evaluated.occurred_at') }} as occurred_epoch,
        cast(
            floor({{ epoch_seconds('int_score_events_evaluated.occurred_at') }} / 86400.0) as bigint
        ) as day_number
    from int_score_events_evaluated
    inner join int_leads_resolved
        on int_score_events_evaluated.lead_id = int_leads_resolved.lead_id
    cross join account_qualification_rules
    where
        int_leads_resolved.account_id is not null
        and int_score_events_evaluated.engagement_score
        >= account_qualification_rules.min_engagement_score
),

-- A lead-day's events all lie between its first and last engaged moment: with a window of whole
-- days, only the window's two end days are cut, and on each only one of the two bounds matters.
final as (
    select
        account_id,
        lead_id,
        day_number,
        min(occurred_at) as first_engaged_at,
        min(occurred_epoch) as first_engaged_epoch,
        max(occurred_epoch) as last_engaged_epoch
    from engaged_events
    group by account_id, lead_id, day_number
)

select * from final
