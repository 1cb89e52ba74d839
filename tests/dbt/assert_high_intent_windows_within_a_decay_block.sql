{{ config(meta={'dagster': {'ref': {'name': 'mql_definitions'}}}) }}
-- int_score_events_decayed looks for a lead's last high-intent action in the current and the
-- previous decay block only: every definition's recency window must fit in one block
-- (decay_block_half_lives, at most 48, times half_life_days).
with

mql_definitions as (
    select * from {{ ref('mql_definitions') }}
),

scoring_parameters as (
    {{ scoring_parameters_row() }}
),

too_wide as (
    select
        mql_definitions.definition_version,
        mql_definitions.high_intent_window_days,
        least(scoring_parameters.decay_block_half_lives, 48)
        * scoring_parameters.half_life_days as block_days
    from mql_definitions
    cross join scoring_parameters
    where
        mql_definitions.high_intent_window_days
        > least(scoring_parameters.decay_block_half_lives, 48) * scoring_parameters.half_life_days
)

select * from too_wide
