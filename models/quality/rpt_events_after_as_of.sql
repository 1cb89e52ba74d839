-- What an explicit as-of time left out of the marts (DOMAIN.md 5): per kind of event, the
-- accepted events after the as-of time, which no mart shows. With the default as-of (the latest
-- event of any kind) every count is 0, but campaign spend dated after the last event's day.
-- A warning test names the kinds with events left out, so a cut is never silent.
{%- set as_of = as_of_timestamp() %}
{%- set kinds = [
    {'kind': 'lead_created', 'label': 'leads created',
     'relation': ref('int_leads_checked'), 'at': 'created_at',
     'where': '_dq_reason is null and not is_merged and not is_deleted'},
    {'kind': 'activity', 'label': 'activities',
     'relation': ref('int_activities_checked'), 'at': 'occurred_at',
     'where': '_dq_reason is null'},
    {'kind': 'status_change', 'label': 'status changes',
     'relation': ref('int_lead_status_changes_checked'),
     'at': 'status_changed_at', 'where': '_dq_reason is null'},
    {'kind': 'opportunity_created', 'label': 'opportunities created',
     'relation': ref('int_opportunities_checked'),
     'at': 'created_at', 'where': '_dq_reason is null'},
    {'kind': 'opportunity_closed', 'label': 'opportunity closes',
     'relation': ref('int_opportunities_checked'),
     'at': 'closed_at', 'where': '_dq_reason is null and is_closed and created_at <= ' ~ as_of},
    {'kind': 'opportunity_stage_change', 'label': 'opportunity stage changes',
     'relation': ref('int_opportunity_stage_histories_checked'),
     'at': 'stage_changed_at', 'where': '_dq_reason is null'},
    {'kind': 'campaign_spend_day', 'label': 'campaign spend days',
     'relation': ref('stg_marketing__campaign_spend'),
     'at': 'spend_date', 'where': '1 = 1', 'as_of': 'cast(' ~ as_of ~ ' as date)'},
] %}

with

ctl_as_of as (
    select * from {{ ref('ctl_as_of') }}
),

counts as (
    {%- for kind in kinds %}
        select
            '{{ kind.kind }}' as event_kind,
            '{{ kind.label }}' as event_label,
            {{ loop.index }} as event_kind_order,
            count(*) as events_after_as_of,
            min({{ kind.at }}) as first_left_out_at,
            max({{ kind.at }}) as last_left_out_at
        from {{ kind.relation }}
        where
            {{ kind.where }}
            and {{ kind.at }} > {{ kind.get('as_of', as_of) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        counts.event_kind,
        counts.event_label,
        counts.event_kind_order,
        cast(counts.events_after_as_of as {{ dbt.type_bigint() }}) as events_after_as_of,
        cast(counts.first_left_out_at as {{ dbt.type_timestamp() }}) as first_left_out_at,
        cast(counts.last_left_out_at as {{ dbt.type_timestamp() }}) as last_left_out_at,
        ctl_as_of.as_of_at,
        ctl_as_of.is_explicit_as_of,
        ctl_as_of.latest_event_at
    from counts
    cross join ctl_as_of
)

select * from final
