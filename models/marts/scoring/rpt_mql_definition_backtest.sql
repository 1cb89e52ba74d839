-- Every MQL definition version applied to the whole history, side by side, per channel: how many
-- MQLs it would have made and how they converted. Judge a proposed threshold on past data before
-- it takes effect. Sales outcomes are the ones that happened; the counterfactual is which leads
-- would have been handed over and when.
with

int_mql_backtest_outcomes as (
    select * from {{ ref('int_mql_backtest_outcomes') }}
),

mql_definitions as (
    select * from {{ ref('mql_definitions') }}
),

per_channel as (
    select
        definition_version,
        channel,
        count(*) as mqls,
        count(distinct lead_id) as mql_leads,
        sum(case when qualified_at is not null then 1 else 0 end) as sqls,
        sum(case when is_won then 1 else 0 end) as won_deals,
        sum(won_amount) as won_amount
    from int_mql_backtest_outcomes
    group by definition_version, channel
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
