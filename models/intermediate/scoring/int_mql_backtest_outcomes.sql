{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
-- The MQLs every MQL definition version would have made over the whole history (the first
-- eligible event of each lead and epoch under that version), with the sales outcome of each
-- and the lead's channel: rpt_mql_definition_backtest adds them up, so a build reads these rows,
-- not the twenty million scored events.
with

int_score_events_decayed as (
    select * from {{ ref('int_score_events_decayed') }}
    where {{ is_touched_lead('lead_id') }}
),

mql_definitions as (
    select * from {{ ref('mql_definitions') }}
),

int_lead_status_changes_resolved as (
    select * from {{ ref('int_lead_status_changes_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_opportunities_resolved as (
    select * from {{ ref('int_opportunities_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

eligible as (
    select
        mql_definitions.definition_version,
        int_score_events_decayed.lead_id,
        int_score_events_decayed.engagement_epoch,
        int_score_events_decayed.activity_id,
        int_score_events_decayed.occurred_at,
        row_number() over (
            partition by
                mql_definitions.definition_version,
                int_score_events_decayed.lead_id,
                int_score_events_decayed.engagement_epoch
            order by int_score_events_decayed.occurred_at, int_score_events_decayed.activity_id
        ) as eligible_rank
    from int_score_events_decayed
    cross join mql_definitions
    where {{ mql_eligibility_condition('int_score_events_decayed', 'mql_definitions') }}
),

backtest_episodes as (
    select
        {{ dbt.hash(dbt.concat(["definition_version", "'|'", "lead_id", "'|'", "activity_id"])) }}
            as backtest_mql_id,
        definition_version,
        lead_id,
        occurred_at as mql_at
    from eligible
    where eligible_rank = 1
),

outcomes as (
    {{ mql_episode_outcomes(
        'backtest_episodes', 'int_lead_status_changes_resolved',
        'int_opportunities_resolved', ['backtest_mql_id']
    ) }}
),

final as (
    select
        outcomes.backtest_mql_id,
        outcomes.definition_version,
        outcomes.lead_id,
        int_leads_resolved.channel,
        outcomes.mql_at,
        outcomes.qualified_at,
        outcomes.is_won,
        outcomes.won_amount
    from outcomes
    inner join int_leads_resolved
        on outcomes.lead_id = int_leads_resolved.lead_id
)

select * from final
