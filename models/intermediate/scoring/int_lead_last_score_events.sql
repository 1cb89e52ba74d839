{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
{%- set categories = scoring_categories() %}
-- depends_on: {{ ref('scoring_categories') }}
-- One row per scored lead: its last scored event (latest time, then highest activity id) with
-- every category's decayed total after it. dim_leads decays these to the as-of time, so a build
-- reads a million rows, not the twenty million of the ledger. Found with two aggregates on two
-- narrow columns, not a window over the ledger.
with

int_score_events_decayed as (
    select * from {{ ref('int_score_events_decayed') }}
    where {{ is_touched_lead('lead_id') }}
),

last_event_times as (
    select
        lead_id,
        max(occurred_at) as occurred_at
    from int_score_events_decayed
    group by lead_id
),

last_event_ids as (
    select max(int_score_events_decayed.activity_id) as activity_id
    from int_score_events_decayed
    inner join last_event_times
        on
            int_score_events_decayed.lead_id = last_event_times.lead_id
            and int_score_events_decayed.occurred_at = last_event_times.occurred_at
    group by int_score_events_decayed.lead_id
),

final as (
    select
        int_score_events_decayed.lead_id,
        int_score_events_decayed.activity_id,
        int_score_events_decayed.occurred_at,
        {%- for category in categories %}
        int_score_events_decayed.{{ category.name }}_decayed_total,
        {%- endfor %}
        int_score_events_decayed.engagement_epoch
    from int_score_events_decayed
    inner join last_event_ids
        on int_score_events_decayed.activity_id = last_event_ids.activity_id
)

select * from final
