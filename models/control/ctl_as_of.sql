{%- set as_of = var('as_of', none) %}
{%- set explicit_as_of = "cast('" ~ as_of ~ "' as " ~ dbt.type_timestamp() ~ ")" %}
-- The scoring and funnel time reference of this build (one row, DOMAIN.md 5): var as_of
-- (FUNNEL_AS_OF, `funnel build --as-of`) when set; else the latest accepted event of any kind,
-- so that a build over the same data is reproducible and nothing delivered is cut off: a lead
-- created, an activity, a status change, an opportunity created, closed or changing stage. Null
-- only when there are no events at all. A table, so that the models that cut their history here
-- (macro as_of_timestamp) read one row instead of each scanning every event for the maximum.
with

latest_events as (
    select max(created_at) as latest_at from {{ ref('stg_crm__leads') }}
    union all
    select max(occurred_at) as latest_at from {{ ref('stg_marketing__activities') }}
    union all
    select max(status_changed_at) as latest_at from {{ ref('stg_crm__lead_status_history') }}
    union all
    select max(created_at) as latest_at from {{ ref('stg_crm__opportunities') }}
    union all
    select max(closed_at) as latest_at from {{ ref('stg_crm__opportunities') }}
    union all
    select max(stage_changed_at) as latest_at
    from {{ ref('stg_crm__opportunity_stage_histories') }}
),

latest as (
    select max(latest_at) as latest_event_at from latest_events
),

final as (
    select
        {{ explicit_as_of if as_of else 'latest.latest_event_at' }} as as_of_at,
        {{ 'true' if as_of else 'false' }} as is_explicit_as_of,
        latest.latest_event_at
    from latest
)

select * from final
