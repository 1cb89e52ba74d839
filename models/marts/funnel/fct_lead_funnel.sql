{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
-- One row per surviving lead: when it reached each funnel stage, which stages it skipped, the
-- days between consecutive stages, and how fast sales responded to its first MQL. Merged
-- duplicates are resolved upstream, so a person counts once.
with

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_lead_status_changes_resolved as (
    select * from {{ ref('int_lead_status_changes_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_opportunities_resolved as (
    select * from {{ ref('int_opportunities_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

fct_mql_events as (
    select * from {{ ref('fct_mql_events') }}
    where {{ is_touched_lead('lead_id') }}
),

statuses as (
    select
        lead_id,
        min(case when status = 'accepted' then status_changed_at end) as sal_at,
        min(case when status = 'qualified' then status_changed_at end) as sql_at,
        min(case when status = 'disqualified' then status_changed_at end) as disqualified_at
    from int_lead_status_changes_resolved
    group by lead_id
),

mqls as (
    select
        lead_id,
        min(mql_at) as first_mql_at,
        max(mql_at) as latest_mql_at,
        count(*) as mql_count,
        -- Accepted / qualified inside an MQL episode: the numerators of the MQL rates.
        min(accepted_at) as sal_after_mql_at,
        min(qualified_at) as sql_after_mql_at,
        min(case when mql_number = 1 then first_sales_touch_at end) as first_sales_touch_at
    from fct_mql_events
    group by lead_id
),

opportunities as (
    select
        lead_id,
        min(opportunity_created_at) as opportunity_created_at,
        count(*) as opportunities,
        sum(amount) as pipeline_amount,
        max(case when is_won then 1 else 0 end) = 1 as is_won,
        min(case when is_won then closed_at end) as won_at,
        sum(case when is_won then amount else 0 end) as won_amount,
        min(case when is_closed then 1 else 0 end) = 1 as is_all_closed,
        max(closed_at) as last_closed_at
    from int_opportunities_resolved
    where lead_id is not null
    group by lead_id
),

joined as (
    select
        int_leads_resolved.lead_id,
        int_leads_resolved.account_id,
        int_leads_resolved.email_hash,
        int_leads_resolved.email_domain,
        int_leads_resolved.lead_source,
        int_leads_resolved.channel,
        int_leads_resolved.created_at,
        cast({{ dbt.date_trunc('month', 'int_leads_resolved.created_at') }} as date)
            as cohort_month,
        mqls.first_mql_at,
        mqls.latest_mql_at,
        coalesce(mqls.mql_count, 0) as mql_count,
        statuses.sal_at,
        statuses.sql_at,
        statuses.disqualified_at,
        mqls.sal_after_mql_at,
        mqls.sql_after_mql_at,
        mqls.first_sales_touch_at,
        opportunities.opportunity_created_at,
        coalesce(opportunities.opportunities, 0) as opportunities,
        coalesce(opportunities.pipeline_amount, 0) as pipeline_amount,
        coalesce(opportunities.is_won, false) as is_won,
        opportunities.won_at,
        coalesce(opportunities.won_amount, 0) as won_amount,
        coalesce(opportunities.is_all_closed and not opportunities.is_won, false) as is_lost,
        case
            when opportunities.is_all_closed and not opportunities.is_won
                then opportunities.last_closed_at
        end as lost_at
    from int_leads_resolved
    left join statuses
        on int_leads_resolved.lead_id = statuses.lead_id
    left join mqls
        on int_leads_resolved.lead_id = mqls.lead_id
    left join opportunities
        on int_leads_resolved.lead_id = opportunities.lead_id
),

flagged as (
    select
        *,
        first_mql_at is not null as is_mql,
        sal_at is not null as is_sal,
        sql_at is not null as is_sql,
        opportunity_created_at is not null as has_opportunity,
        sal_after_mql_at is not null as is_sal_after_mql,
        sql_after_mql_at is not null as is_sql_after_mql,
        opportunity_created_at is not null
        and sql_at is not null
        and sql_at <= opportunity_created_at as is_opportunity_after_sql,
        -- A sales stage reached with no MQL before it (outbound, a demo request straight to SQL).
        coalesce(sal_at, sql_at, opportunity_created_at) is not null
        and (
            first_mql_at is null
            or first_mql_at > coalesce(sal_at, sql_at, opportunity_created_at)
        ) as has_skipped_mql,
        sql_at is not null and (sal_at is null or sal_at > sql_at) as has_skipped_sal,
        opportunity_created_at is not null
        and (sql_at is null or sql_at > opportunity_created_at) as has_skipped_sql,
        ({{ epoch_seconds('first_sales_touch_at') }} - {{ epoch_seconds('first_mql_at') }})
        / 3600.0 as speed_to_lead_hours
    from joined
),

final as (
    select
        lead_id,
        account_id,
        email_hash,
        email_domain,
        lead_source,
        channel,
        created_at,
        cohort_month,
        first_mql_at,
        latest_mql_at,
        mql_count,
        sal_at,
        sql_at,
        opportunity_created_at,
        won_at,
        lost_at,
        disqualified_at,
        opportunities,
        pipeline_amount,
        won_amount,
        is_mql,
        is_sal,
        is_sql,
        has_opportunity,
        is_won,
        is_lost,
        is_sal_after_mql,
        is_sql_after_mql,
        is_opportunity_after_sql,
        has_skipped_mql,
        has_skipped_sal,
        has_skipped_sql,
        {{ days_between('created_at', 'first_mql_at') }} as days_created_to_mql,
        {{ days_between('first_mql_at', 'sal_at') }} as days_mql_to_sal,
        {{ days_between('sal_at', 'sql_at') }} as days_sal_to_sql,
        {{ days_between('sql_at', 'opportunity_created_at') }} as days_sql_to_opportunity,
        {{ days_between('opportunity_created_at', 'coalesce(won_at, lost_at)') }}
            as days_opportunity_to_close,
        first_sales_touch_at,
        speed_to_lead_hours,
        case
            when not is_mql then 'no mql'
            else {{ response_bucket('speed_to_lead_hours') }}
        end as speed_to_lead_bucket
    from flagged
)

select * from final
