-- Every MQL definition version applied to the whole history, side by side, per channel: how many
-- MQLs it would have made and how they converted. Judge a proposed threshold on past data before
-- it takes effect. Sales outcomes are the ones that happened; the counterfactual is which leads
-- would have been handed over and when.
with

int_score_events_decayed as (
    select * from {{ ref('int_score_events_decayed') }}
),

mql_definitions as (
    select * from {{ ref('mql_definitions') }}
),

int_lead_status_changes_resolved as (
    select * from {{ ref('int_lead_status_changes_resolved') }}
),

int_opportunities_resolved as (
    select * from {{ ref('int_opportunities_resolved') }}
),

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
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
    where
        not int_score_events_decayed.is_mql_blocked
        and int_score_events_decayed.lead_score >= mql_definitions.score_threshold
        and int_score_events_decayed.fit_score >= mql_definitions.min_fit_score
        and int_score_events_decayed.last_high_intent_at is not null
        and {{ epoch_seconds('int_score_events_decayed.occurred_at') }}
        - {{ epoch_seconds('int_score_events_decayed.last_high_intent_at') }}
        <= mql_definitions.high_intent_window_days * 86400.0
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

per_channel as (
    select
        outcomes.definition_version,
        int_leads_resolved.channel,
        count(*) as mqls,
        count(distinct outcomes.lead_id) as mql_leads,
        sum(case when outcomes.qualified_at is not null then 1 else 0 end) as sqls,
        sum(case when outcomes.is_won then 1 else 0 end) as won_deals,
        sum(outcomes.won_amount) as won_amount
    from outcomes
    inner join int_leads_resolved
        on outcomes.lead_id = int_leads_resolved.lead_id
    group by outcomes.definition_version, int_leads_resolved.channel
),

all_channels as (
    select
        definition_version,
        'all' as channel,
        sum(mqls) as mqls,
        sum(mql_leads) as mql_leads,
        sum(sqls) as sqls,
        sum(won_deals) as won_deals,
        sum(won_amount) as won_amount
    from per_channel
    group by definition_version
),

unioned as (
    select * from per_channel
    union all
    select * from all_channels
),

final as (
    select
        unioned.definition_version,
        mql_definitions.score_threshold,
        mql_definitions.min_fit_score,
        mql_definitions.high_intent_window_days,
        unioned.channel,
        unioned.mqls,
        unioned.mql_leads,
        unioned.sqls,
        unioned.won_deals,
        unioned.won_amount,
        cast(unioned.sqls as double precision) / nullif(unioned.mqls, 0) as mql_to_sql_rate,
        cast(unioned.won_deals as double precision) / nullif(unioned.mqls, 0) as mql_to_won_rate
    from unioned
    inner join mql_definitions
        on unioned.definition_version = mql_definitions.definition_version
)

select * from final
