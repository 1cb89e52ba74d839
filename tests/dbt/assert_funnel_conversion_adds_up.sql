-- fct_funnel_conversion is internally consistent: within every cohort the channel rows add up to
-- the all-channels row, and every numerator is a subset of its denominator.
{{ config(meta={'dagster': {'ref': {'name': 'fct_funnel_conversion'}}}) }}
with

fct_funnel_conversion as (
    select * from {{ ref('fct_funnel_conversion') }}
),

channel_sums as (
    select
        cohort,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(sals) as sals,
        sum(sqls) as sqls,
        sum(sqls_from_mql) as sqls_from_mql,
        sum(opportunities) as opportunities,
        sum(won_deals) as won_deals
    from fct_funnel_conversion
    where channel != 'all'
    group by cohort
),

mismatched_totals as (
    select
        channel_sums.cohort,
        'channels do not add up to the all-channels row' as failure
    from channel_sums
    inner join fct_funnel_conversion as all_channels
        on
            channel_sums.cohort = all_channels.cohort
            and all_channels.channel = 'all'
    where
        channel_sums.leads != all_channels.leads
        or channel_sums.mqls != all_channels.mqls
        or channel_sums.sals != all_channels.sals
        or channel_sums.sqls != all_channels.sqls
        or channel_sums.sqls_from_mql != all_channels.sqls_from_mql
        or channel_sums.opportunities != all_channels.opportunities
        or channel_sums.won_deals != all_channels.won_deals
),

not_subsets as (
    select
        cohort,
        'a numerator exceeds its denominator in ' || channel as failure
    from fct_funnel_conversion
    where
        mqls > leads
        or sals > mqls
        or sqls_from_mql > mqls
        or sqls_from_mql > sqls
        or opportunities_from_sql > sqls
        or opportunities_from_sql > opportunities
        or won_deals > opportunities
)

select * from mismatched_totals
union all
select * from not_subsets
