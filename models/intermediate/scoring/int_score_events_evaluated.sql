-- Every scored activity against the MQL definition in force at its time: is it MQL-eligible?
-- Eligible = not blocked, lead score >= threshold, fit >= minimum fit, and a high-intent action
-- of the same epoch within the recency window (at or before the event).
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
        *,
        coalesce(
            not is_mql_blocked
            and definition_version is not null
            and lead_score >= score_threshold
            and fit_score >= min_fit_score
            and last_high_intent_at is not null
            and {{ epoch_seconds('occurred_at') }} - {{ epoch_seconds('last_high_intent_at') }}
            <= high_intent_window_days * 86400.0,
            false
        ) as is_mql_eligible
    from in_force
)

select * from final
