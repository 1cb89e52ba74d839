{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
{%- set categories = scoring_categories() %}
-- depends_on: {{ ref('scoring_categories') }}
-- depends_on: {{ ref('grade_bands') }}
-- The explainable score ledger: one row per scored activity with each category's decayed total
-- after it, the scores, the grade, the MQL definition in force and whether it triggered an MQL.
-- "Why is this lead at 73?": sum its categories' capped totals (engagement) and blend with fit.
with

int_score_events_evaluated as (
    select * from {{ ref('int_score_events_evaluated') }}
    where {{ is_touched_lead('lead_id') }}
),

int_mql_episodes as (
    select * from {{ ref('int_mql_episodes') }}
    where {{ is_touched_lead('lead_id') }}
),

final as (
    select
        int_score_events_evaluated.activity_id,
        int_score_events_evaluated.lead_id,
        int_score_events_evaluated.original_lead_id,
        int_score_events_evaluated.activity_type,
        int_score_events_evaluated.occurred_at,
        int_score_events_evaluated.campaign_id,
        int_score_events_evaluated.category,
        int_score_events_evaluated.points,
        int_score_events_evaluated.is_high_intent,
        int_score_events_evaluated.engagement_epoch,
        {%- for category in categories %}
        int_score_events_evaluated.{{ category.name }}_decayed_total,
        int_score_events_evaluated.{{ category.name }}_capped_total,
        {%- endfor %}
        int_score_events_evaluated.fit_score,
        int_score_events_evaluated.engagement_score,
        int_score_events_evaluated.lead_score,
        {{ grade_case('fit', 'int_score_events_evaluated.fit_score') }} as fit_grade,
        {{ grade_case('engagement', 'int_score_events_evaluated.engagement_score') }}
            as engagement_grade,
        int_score_events_evaluated.definition_version,
        int_score_events_evaluated.is_mql_blocked,
        int_score_events_evaluated.is_mql_eligible,
        int_mql_episodes.mql_id is not null as is_mql_trigger,
        int_mql_episodes.mql_number
    from int_score_events_evaluated
    left join int_mql_episodes
        on int_score_events_evaluated.activity_id = int_mql_episodes.trigger_activity_id
)

select
    *,
    {{ dbt.concat(['fit_grade', 'engagement_grade']) }} as grade
from final
