-- Every scored activity against the MQL definition in force at its time: is it MQL-eligible?
-- Eligible = not blocked, lead score >= threshold, fit >= minimum fit, and a high-intent action
-- of the same epoch within the recency window (at or before the event); macro
-- mql_eligibility_condition, which int_mql_backtest_outcomes applies to every version.
with

int_score_events_decayed as (
    select * from {{ ref('int_score_events_decayed') }}
),

mql_definitions as (
    select * from {{ ref('mql_definitions') }}
),

in_force as (
    select
        int_score_events_decayed.*,
        mql_definitions.definition_version,
        mql_definitions.score_threshold,
        mql_definitions.min_fit_score,
        mql_definitions.high_intent_window_days
    from int_score_events_decayed
    left join mql_definitions
        on
            int_score_events_decayed.occurred_at >= mql_definitions.effective_from
            and (
                mql_definitions.effective_to is null
                or int_score_events_decayed.occurred_at < mql_definitions.effective_to
            )
),

final as (
    select
        in_force.*,
        coalesce(
            in_force.definition_version is not null
            and {{ mql_eligibility_condition('in_force', 'in_force') }},
            false
        ) as is_mql_eligible
    from in_force
)

select * from final
