-- Funnel conversion per cohort month and channel, with an all-channels row per cohort and an
-- 'all mature' cohort row per channel: counts per stage, stage-to-stage rates, median days,
-- pipeline, spend and cost per stage, and the channel's MQL-to-SQL benchmark band with a health
-- flag. Counts are of leads (a person counts once), so every row agrees with fct_lead_funnel.
with

fct_lead_funnel as (
    select * from {{ ref('fct_lead_funnel') }}
),

stg_marketing__campaign_spend as (
    select * from {{ ref('stg_marketing__campaign_spend') }}
),

stg_marketing__campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
),

channels as (
    select * from {{ ref('channels') }}
),

settings as (
    {{ funnel_settings_row() }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

cohorts as (
    select
        fct_lead_funnel.*,
        {{ dbt.dateadd(
            'day', 'cast(settings.measurement_window_days as integer)',
            dbt.dateadd('month', 1, 'fct_lead_funnel.cohort_month')
        ) }} <= as_of.as_of_at as is_mature_cohort
    from fct_lead_funnel
    cross join settings
    cross join as_of
),

spend_days as (
    select
        cast({{ dbt.date_trunc('month', 'stg_marketing__campaign_spend.spend_date') }} as date)
            as spend_month,
        stg_marketing__campaigns.channel,
        -- In whole cents: an exact sum, the same bits whatever order the rows are added in.
        cast(round(stg_marketing__campaign_spend.spend_amount * 100) as decimal(38, 0))
            as spend_cents
    from stg_marketing__campaign_spend
    inner join stg_marketing__campaigns
        on stg_marketing__campaign_spend.campaign_id = stg_marketing__campaigns.campaign_id
    cross join as_of
    -- Spend of the days up to the as-of day; later days are left out like every later event.
    where stg_marketing__campaign_spend.spend_date <= cast(as_of.as_of_at as date)
),

spend as (
    select
        spend_month,
        channel,
        sum(spend_cents) as spend_cents
    from spend_days
    group by spend_month, channel
),

cohort_spend as (
    select
        cohort_keys.cohort_month,
        cohort_keys.channel,
        cohort_keys.is_mature_cohort,
        coalesce(spend.spend_cents, 0) as spend_cents
    from (
        select distinct
            cohort_month,
            channel,
            is_mature_cohort
        from cohorts
    ) as cohort_keys
    left join spend
        on
            cohort_keys.cohort_month = spend.spend_month
            and cohort_keys.channel = spend.channel
),

by_cohort_and_channel as (
    select
        cohorts.cohort_month,
        cohorts.channel,
        max(case when cohorts.is_mature_cohort then 1 else 0 end) = 1 as is_mature,
        {{ funnel_aggregates('cohorts') }}
    from cohorts
    group by cohorts.cohort_month, cohorts.channel
),

by_cohort as (
    select
        cohorts.cohort_month,
        'all' as channel,
        max(case when cohorts.is_mature_cohort then 1 else 0 end) = 1 as is_mature,
        {{ funnel_aggregates('cohorts') }}
    from cohorts
    group by cohorts.cohort_month
),

mature_by_channel as (
    select
        cast(null as date) as cohort_month,
        cohorts.channel,
        true as is_mature,
        {{ funnel_aggregates('cohorts') }}
    from cohorts
    where cohorts.is_mature_cohort
    group by cohorts.channel
),

mature_all as (
    select
        cast(null as date) as cohort_month,
        'all' as channel,
        true as is_mature,
        {{ funnel_aggregates('cohorts') }}
    from cohorts
    where cohorts.is_mature_cohort
),

grains as (
    select * from by_cohort_and_channel
    union all
    select * from by_cohort
    union all
    select * from mature_by_channel
    union all
    select * from mature_all
),

grain_spend as (
    select
        cohort_month,
        channel,
        sum(spend_cents) as spend_cents
    from cohort_spend
    group by cohort_month, channel
    union all
    select
        cohort_month,
        'all' as channel,
        sum(spend_cents) as spend_cents
    from cohort_spend
    group by cohort_month
    union all
    select
        cast(null as date) as cohort_month,
        channel,
        sum(spend_cents) as spend_cents
    from cohort_spend
    where is_mature_cohort
    group by channel
    union all
    select
        cast(null as date) as cohort_month,
        'all' as channel,
        sum(spend_cents) as spend_cents
    from cohort_spend
    where is_mature_cohort
),

rated as (
    select
        grains.*,
        cast(coalesce(grain_spend.spend_cents, 0) as double precision) / 100 as spend_amount,
        {{ safe_ratio('grains.mqls', 'grains.leads') }} as lead_to_mql_rate,
        {{ safe_ratio('grains.sals', 'grains.mqls') }} as sales_acceptance_rate,
        {{ safe_ratio('grains.sqls_from_mql', 'grains.mqls') }} as mql_to_sql_rate,
        {{ safe_ratio('grains.opportunities_from_sql', 'grains.sqls') }}
            as sql_to_opportunity_rate,
        {{ safe_ratio('grains.won_deals', 'grains.opportunities') }} as opportunity_to_won_rate,
        channels.mql_to_sql_low as benchmark_mql_to_sql_low,
        channels.mql_to_sql_high as benchmark_mql_to_sql_high,
        settings.min_cohort_mqls
    from grains
    cross join settings
    left join grain_spend
        on
            grains.channel = grain_spend.channel
            and (
                grains.cohort_month = grain_spend.cohort_month
                or (grains.cohort_month is null and grain_spend.cohort_month is null)
            )
    left join channels
        on grains.channel = channels.channel
),

final as (
    select
        coalesce({{ dbt.cast('cohort_month', api.Column.translate_type('string')) }}, 'all mature')
            as cohort,
        cohort_month,
        channel,
        is_mature,
        leads,
        mqls,
        sals,
        sqls,
        sqls_from_mql,
        opportunities,
        opportunities_from_sql,
        won_deals,
        leads_skipping_mql,
        lead_to_mql_rate,
        sales_acceptance_rate,
        mql_to_sql_rate,
        sql_to_opportunity_rate,
        opportunity_to_won_rate,
        median_days_created_to_mql,
        median_days_mql_to_sal,
        median_days_sal_to_sql,
        median_days_sql_to_opportunity,
        median_days_opportunity_to_close,
        pipeline_amount,
        won_amount,
        spend_amount,
        {{ safe_ratio('spend_amount', 'leads') }} as cost_per_lead,
        {{ safe_ratio('spend_amount', 'mqls') }} as cost_per_mql,
        {{ safe_ratio('spend_amount', 'sqls') }} as cost_per_sql,
        {{ safe_ratio('spend_amount', 'opportunities') }} as cost_per_opportunity,
        {{ safe_ratio('spend_amount', 'won_deals') }} as cost_per_won_deal,
        benchmark_mql_to_sql_low,
        benchmark_mql_to_sql_high,
        case
            when not is_mature then 'immature'
            when mqls < min_cohort_mqls then 'insufficient data'
            when benchmark_mql_to_sql_low is null then 'no benchmark'
            when mql_to_sql_rate < benchmark_mql_to_sql_low then 'too loose'
            when mql_to_sql_rate > benchmark_mql_to_sql_high then 'too strict'
            else 'healthy'
        end as health_flag
    from rated
)

select * from final
