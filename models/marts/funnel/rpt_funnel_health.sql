-- One row per calendar month, from the month of the first lead to the as-of month: the warning
-- signs of DOMAIN.md 4 side by side. MQL volume rising while pipeline stays flat, one channel
-- supplying most MQLs, MQL volume above sales capacity, MQLs not worked within the SLA, and the
-- MQL definition changes that took effect in the month. Thresholds: seed funnel_health_settings.
with

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
),

fct_mql_events as (
    select * from {{ ref('fct_mql_events') }}
),

int_opportunities_resolved as (
    select * from {{ ref('int_opportunities_resolved') }}
),

mql_definitions as (
    select * from {{ ref('mql_definitions') }}
),

funnel_health_settings as (
    select * from {{ ref('funnel_health_settings') }}
),

settings as (
    select
        max(case when parameter = 'mql_growth_flag_threshold' then value end)
            as mql_growth_flag_threshold,
        max(case when parameter = 'top_channel_share_max' then value end)
            as top_channel_share_max,
        max(case when parameter = 'sales_capacity_mqls_per_month' then value end)
            as sales_capacity_mqls_per_month,
        max(case when parameter = 'sla_hours' then value end) as sla_hours,
        max(case when parameter = 'sla_compliance_min' then value end) as sla_compliance_min
    from funnel_health_settings
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

bounds as (
    select
        cast({{ dbt.date_trunc('month', 'min(int_leads_resolved.created_at)') }} as date)
            as first_month_date,
        cast({{ dbt.date_trunc('month', 'max(as_of.as_of_at)') }} as date) as last_month_date
    from int_leads_resolved
    cross join as_of
),

-- Month spine: up to 1,000 months (83 years) from the first lead's month.
month_offsets as (
    {{ integer_series(1000) }}
),

month_candidates as (
    select
        cast(
            {{ dbt.dateadd('month', 'month_offsets.series_value', 'bounds.first_month_date') }}
            as date
        ) as month_start_date,
        bounds.last_month_date
    from bounds
    cross join month_offsets
),

months as (
    select month_start_date
    from month_candidates
    where month_start_date <= last_month_date
),

mqls as (
    select
        fct_mql_events.mql_id,
        fct_mql_events.channel,
        cast({{ dbt.date_trunc('month', 'fct_mql_events.mql_at') }} as date) as month_start_date,
        fct_mql_events.first_sales_touch_at is not null
        and {{ epoch_seconds('fct_mql_events.first_sales_touch_at') }}
        - {{ epoch_seconds('fct_mql_events.mql_at') }}
        <= settings.sla_hours * 3600.0 as is_within_sla,
        fct_mql_events.first_sales_touch_at is null as is_untouched,
        fct_mql_events.first_sales_touch_at is null
        and {{ epoch_seconds('as_of.as_of_at') }} - {{ epoch_seconds('fct_mql_events.mql_at') }}
        < settings.sla_hours * 3600.0 as is_sla_pending
    from fct_mql_events
    cross join settings
    cross join as_of
),

mql_months as (
    select
        month_start_date,
        count(*) as mql_volume,
        count(case when is_within_sla then mql_id end) as mqls_within_sla,
        count(case when is_untouched then mql_id end) as mqls_untouched,
        count(case when is_sla_pending then mql_id end) as mqls_sla_pending
    from mqls
    group by month_start_date
),

channel_months as (
    select
        month_start_date,
        channel,
        count(*) as channel_mqls
    from mqls
    group by month_start_date, channel
),

channels_ranked as (
    select
        month_start_date,
        channel,
        channel_mqls,
        row_number() over (
            partition by month_start_date
            order by channel_mqls desc, channel asc nulls last
        ) as channel_rank
    from channel_months
),

top_channels as (
    select
        month_start_date,
        channel as top_channel,
        channel_mqls as top_channel_mqls
    from channels_ranked
    where channel_rank = 1
),

pipeline_months as (
    select
        cast({{ dbt.date_trunc('month', 'opportunity_created_at') }} as date) as month_start_date,
        count(*) as opportunities_created,
        sum(amount) as pipeline_created_amount
    from int_opportunities_resolved
    group by cast({{ dbt.date_trunc('month', 'opportunity_created_at') }} as date)
),

definition_change_months as (
    select
        cast({{ dbt.date_trunc('month', 'effective_from') }} as date) as month_start_date,
        {{ dbt.listagg('definition_version', "', '", 'order by effective_from') }}
            as definition_changes
    from mql_definitions
    group by cast({{ dbt.date_trunc('month', 'effective_from') }} as date)
),

monthly as (
    select
        months.month_start_date,
        coalesce(mql_months.mql_volume, 0) as mql_volume,
        coalesce(mql_months.mqls_within_sla, 0) as mqls_within_sla,
        coalesce(mql_months.mqls_untouched, 0) as mqls_untouched,
        coalesce(mql_months.mqls_sla_pending, 0) as mqls_sla_pending,
        top_channels.top_channel,
        top_channels.top_channel_mqls,
        coalesce(pipeline_months.opportunities_created, 0) as opportunities_created,
        coalesce(pipeline_months.pipeline_created_amount, 0) as pipeline_created_amount,
        definition_change_months.definition_changes
    from months
    left join mql_months
        on months.month_start_date = mql_months.month_start_date
    left join top_channels
        on months.month_start_date = top_channels.month_start_date
    left join pipeline_months
        on months.month_start_date = pipeline_months.month_start_date
    left join definition_change_months
        on months.month_start_date = definition_change_months.month_start_date
),

with_previous as (
    select
        monthly.*,
        lag(monthly.mql_volume) over (order by monthly.month_start_date)
            as previous_mql_volume,
        lag(monthly.opportunities_created) over (order by monthly.month_start_date)
            as previous_opportunities_created,
        lag(monthly.pipeline_created_amount) over (order by monthly.month_start_date)
            as previous_pipeline_created_amount
    from monthly
),

final as (
    select
        with_previous.month_start_date,
        {{ dbt.dateadd('month', 1, 'with_previous.month_start_date') }} <= as_of.as_of_at
            as is_complete_month,
        cast(with_previous.mql_volume as bigint) as mql_volume,
        cast(with_previous.mql_volume - with_previous.previous_mql_volume as double precision)
        / nullif(with_previous.previous_mql_volume, 0) as mql_growth,
        cast(with_previous.opportunities_created as bigint) as opportunities_created,
        cast(with_previous.pipeline_created_amount as double precision)
            as pipeline_created_amount,
        cast(
            with_previous.opportunities_created - with_previous.previous_opportunities_created
            as double precision
        )
        / nullif(with_previous.previous_opportunities_created, 0) as opportunities_growth,
        cast(
            with_previous.pipeline_created_amount - with_previous.previous_pipeline_created_amount
            as double precision
        )
        / nullif(with_previous.previous_pipeline_created_amount, 0) as pipeline_amount_growth,
        -- Growth above the threshold (also from zero) while pipeline amount does not grow.
        coalesce(
            with_previous.mql_volume
            > with_previous.previous_mql_volume * (1 + settings.mql_growth_flag_threshold)
            and with_previous.pipeline_created_amount
            <= with_previous.previous_pipeline_created_amount,
            false
        ) as is_mql_up_pipeline_flat,
        with_previous.top_channel,
        cast(coalesce(with_previous.top_channel_mqls, 0) as bigint) as top_channel_mqls,
        cast(with_previous.top_channel_mqls as double precision)
        / nullif(with_previous.mql_volume, 0) as top_channel_share,
        coalesce(
            cast(with_previous.top_channel_mqls as double precision)
            / nullif(with_previous.mql_volume, 0)
            > settings.top_channel_share_max,
            false
        ) as is_channel_concentrated,
        cast(settings.sales_capacity_mqls_per_month as bigint) as sales_capacity_mqls,
        cast(with_previous.mql_volume as double precision)
        / nullif(settings.sales_capacity_mqls_per_month, 0) as capacity_utilisation,
        with_previous.mql_volume > settings.sales_capacity_mqls_per_month as is_over_capacity,
        cast(settings.sla_hours as double precision) as sla_hours,
        cast(with_previous.mqls_within_sla as bigint) as mqls_within_sla,
        cast(with_previous.mql_volume - with_previous.mqls_within_sla as bigint) as sla_breaches,
        cast(with_previous.mqls_untouched as bigint) as mqls_untouched,
        cast(with_previous.mqls_sla_pending as bigint) as mqls_sla_pending,
        cast(with_previous.mqls_within_sla as double precision)
        / nullif(with_previous.mql_volume, 0) as sla_compliance_rate,
        coalesce(
            cast(with_previous.mqls_within_sla as double precision)
            / nullif(with_previous.mql_volume, 0)
            < settings.sla_compliance_min,
            false
        ) as is_below_sla_target,
        with_previous.definition_changes,
        with_previous.definition_changes is not null as has_definition_change,
        as_of.as_of_at as reported_as_of
    from with_previous
    cross join settings
    cross join as_of
)

select * from final
