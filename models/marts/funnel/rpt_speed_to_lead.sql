-- MQL-to-SQL conversion by how fast sales first responded to the MQL, per channel and for all
-- channels, per MQL episode. The drop after 48 hours is the ratio of each bucket's rate to the
-- channel's rate when the response came within 48 hours.
with

fct_mql_events as (
    select * from {{ ref('fct_mql_events') }}
),

episodes as (
    select
        channel,
        is_qualified,
        ({{ epoch_seconds('first_sales_touch_at') }} - {{ epoch_seconds('mql_at') }}) / 3600.0
            as response_hours
    from fct_mql_events
),

bucketed as (
    select
        channel,
        is_qualified,
        response_hours is not null and response_hours <= 48 as is_within_48h,
        {{ response_bucket('response_hours') }} as response_bucket
    from episodes
),

with_all as (
    select * from bucketed
    union all
    select
        'all' as channel,
        is_qualified,
        is_within_48h,
        response_bucket
    from bucketed
),

per_bucket as (
    select
        channel,
        response_bucket,
        cast(count(*) as {{ dbt.type_bigint() }}) as mqls,
        cast(sum(case when is_qualified then 1 else 0 end) as {{ dbt.type_bigint() }}) as sqls
    from with_all
    group by channel, response_bucket
),

baseline as (
    select
        channel,
        sum(case when is_within_48h then 1 else 0 end) as mqls_within_48h,
        sum(case when is_within_48h and is_qualified then 1 else 0 end) as sqls_within_48h,
        sum(case when not is_within_48h then 1 else 0 end) as mqls_after_48h,
        sum(case when not is_within_48h and is_qualified then 1 else 0 end) as sqls_after_48h
    from with_all
    group by channel
),

final as (
    select
        per_bucket.channel,
        per_bucket.response_bucket,
        case per_bucket.response_bucket
            when '<=4h' then 1
            when '<=24h' then 2
            when '<=48h' then 3
            when '<=7d' then 4
            when '>7d' then 5
            else 6
        end as bucket_order,
        per_bucket.response_bucket in ('<=7d', '>7d', 'never') as is_after_48h,
        per_bucket.mqls,
        per_bucket.sqls,
        {{ safe_ratio('per_bucket.sqls', 'per_bucket.mqls') }} as mql_to_sql_rate,
        {{ safe_ratio('baseline.sqls_within_48h', 'baseline.mqls_within_48h') }}
            as within_48h_rate,
        {{ safe_ratio('baseline.sqls_after_48h', 'baseline.mqls_after_48h') }}
            as after_48h_rate,
        {{ safe_ratio('per_bucket.sqls', 'per_bucket.mqls') }}
        / nullif({{ safe_ratio('baseline.sqls_within_48h', 'baseline.mqls_within_48h') }}, 0)
            as rate_vs_within_48h
    from per_bucket
    inner join baseline
        on per_bucket.channel = baseline.channel
)

select * from final
