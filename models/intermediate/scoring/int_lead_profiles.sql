{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
{%- set categories = scoring_categories() %}
-- depends_on: {{ ref('scoring_categories') }}
-- One row per surviving lead: everything dim_leads shows that does not move with the as-of time
-- (who the lead is, its fit, status, epoch and MQL history) and the category totals after its
-- last scored event of the current epoch. dim_leads only decays those totals to the as-of time,
-- which moves every build and so changes every lead's engagement; the joins and windows here
-- run for the touched leads only.
with

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_leads_fit_scored as (
    select * from {{ ref('int_leads_fit_scored') }}
    where {{ is_touched_lead('lead_id') }}
),

int_lead_status_changes_resolved as (
    select * from {{ ref('int_lead_status_changes_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

int_mql_episodes as (
    select * from {{ ref('int_mql_episodes') }}
    where {{ is_touched_lead('lead_id') }}
),

int_lead_last_score_events as (
    select * from {{ ref('int_lead_last_score_events') }}
    where {{ is_touched_lead('lead_id') }}
),

latest_status as (
    select
        lead_id,
        status,
        row_number() over (
            partition by lead_id
            order by
                status_changed_at desc,
                -- Of two changes at one instant, the one further along is the latest.
                lifecycle_rank desc,
                status_change_id desc
        ) as recency_rank,
        sum(case when is_recycle then 1 else 0 end) over (partition by lead_id)
            as current_epoch,
        max(case when is_disqualified then 1 else 0 end) over (partition by lead_id)
            as was_disqualified
    from int_lead_status_changes_resolved
),

current_status as (
    select * from latest_status
    where recency_rank = 1
),

-- After the last scored event of the current epoch every category total only decays.
current_epoch_last_events as (
    select int_lead_last_score_events.*
    from int_lead_last_score_events
    left join current_status
        on int_lead_last_score_events.lead_id = current_status.lead_id
    where
        int_lead_last_score_events.engagement_epoch
        = coalesce(current_status.current_epoch, 0)
),

mql_history as (
    select
        lead_id,
        min(mql_at) as first_mql_at,
        max(mql_at) as latest_mql_at,
        count(*) as mql_count,
        max(engagement_epoch) as latest_mql_epoch
    from int_mql_episodes
    group by lead_id
),

final as (
    select
        int_leads_resolved.lead_id,
        int_leads_resolved.email_domain,
        int_leads_resolved.email_domain_type,
        int_leads_resolved.company_name,
        int_leads_resolved.account_id,
        int_leads_resolved.job_title,
        int_leads_resolved.seniority,
        int_leads_resolved.persona,
        int_leads_resolved.industry,
        int_leads_resolved.employee_count,
        int_leads_resolved.annual_revenue,
        int_leads_resolved.country,
        int_leads_resolved.lead_source,
        int_leads_resolved.channel,
        int_leads_resolved.created_at,
        int_leads_fit_scored.fit_score,
        int_leads_fit_scored.fit_rules_matched,
        {%- for category in categories %}
        current_epoch_last_events.{{ category.name }}_decayed_total,
        {%- endfor %}
        current_epoch_last_events.occurred_at as last_scored_activity_at,
        coalesce(current_status.status, 'open') as sales_status,
        coalesce(current_status.current_epoch, 0) as engagement_epoch,
        coalesce(current_status.was_disqualified, 0) = 1 as is_disqualified,
        mql_history.first_mql_at,
        mql_history.latest_mql_at,
        coalesce(mql_history.mql_count, 0) as mql_count,
        coalesce(mql_history.latest_mql_epoch = coalesce(current_status.current_epoch, 0), false)
            as has_mql_in_current_epoch
    from int_leads_resolved
    inner join int_leads_fit_scored
        on int_leads_resolved.lead_id = int_leads_fit_scored.lead_id
    left join current_epoch_last_events
        on int_leads_resolved.lead_id = current_epoch_last_events.lead_id
    left join current_status
        on int_leads_resolved.lead_id = current_status.lead_id
    left join mql_history
        on int_leads_resolved.lead_id = mql_history.lead_id
)

select * from final
