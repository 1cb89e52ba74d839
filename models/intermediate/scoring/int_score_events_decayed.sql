{{ lead_incremental_config() }}
-- Incremental by lead (macros/incremental.sql): a build recomputes the touched leads only.
{%- set categories = scoring_categories() %}
{%- set capped_terms = [] %}
{%- for category in categories %}
    {%- do capped_terms.append(category.name ~ '_capped_total') %}
{%- endfor %}
{%- set capped_sum = (capped_terms | join(' + ')) or '0' %}
{#- Anchored points are summed as integers in units of 2^-scale_bits of a point, so that a
    running sum is exact and the same whatever the order DuckDB's window adds it up in (an
    incremental build recomputes a lead among other neighbours than a full build). Blocks are
    at most max_block half-lives, so 2^(max_block + scale_bits) * points fits decimal(38, 0)
    with room for millions of activities. -#}
{%- set scale_bits = 48 %}
{%- set max_block = 48 %}
-- depends_on: {{ ref('scoring_categories') }}
-- Fit, engagement and lead score after every scored activity (DOMAIN.md 3).
--
-- Engagement of category c at event n = sum of points_i * 0.5 ^ ((t_n - t_i) / half_life) over
-- the lead's activities i of c in the same epoch with t_i <= t_n. Rewritten as
-- 0.5 ^ ((t_n - a) / h) * sum of points_i * 2 ^ ((t_i - a) / h) for an anchor a, it becomes one
-- running window sum per lead: linear in the number of activities. To keep 2 ^ ((t_i - a) / h)
-- finite over histories of any length, time is cut into blocks of `decay_block_half_lives`
-- half-lives with the anchor at each block's start: exponents stay below that many doublings
-- (at most 48: 2^48 ~ 3e14), and the one previous block is carried in decayed; blocks before it
-- are below 2^-48 of a point and vanish. The anchored points are summed as exact integers
-- (units of 2^-48 of a point), so every bit of a result is the same whatever the summation
-- order: a lead recomputed alone (incremental build) scores exactly as in a full build.
with

int_lead_activity_timeline as (
    select * from {{ ref('int_lead_activity_timeline') }}
    where {{ is_touched_lead('lead_id') }}
),

int_leads_fit_scored as (
    select * from {{ ref('int_leads_fit_scored') }}
    where {{ is_touched_lead('lead_id') }}
),

scoring_parameters as (
    {{ scoring_parameters_row() }}
),

positioned as (
    select
        int_lead_activity_timeline.*,
        scoring_parameters.half_life_days,
        scoring_parameters.fit_weight,
        scoring_parameters.engagement_weight,
        least(scoring_parameters.decay_block_half_lives, {{ max_block }})
        * scoring_parameters.half_life_days as block_days,
        {{ epoch_seconds('int_lead_activity_timeline.occurred_at') }} / 86400.0 as t_days
    from int_lead_activity_timeline
    cross join scoring_parameters
),

blocked as (
    select
        *,
        floor(t_days / block_days) as decay_block,
        t_days - floor(t_days / block_days) * block_days as block_offset_days
    from positioned
),

anchored as (
    select
        *,
        cast(
            round(points * power(2.0, block_offset_days / half_life_days + {{ scale_bits }}))
            as decimal(38, 0)
        ) as anchored_points
    from blocked
),

-- Running sums per lead, epoch and block in time order. The frame is a range, so activities at
-- the same timestamp count for each other (each takes the sums after all of them). The sums are
-- of integers, so every bit is the same whatever order DuckDB adds them up in.
running as (
    select
        *,
        {%- for category in categories %}
        sum(case when category = '{{ category.name }}' then anchored_points else 0 end)
            over block_time as running_{{ category.name }},
        {%- endfor %}
        max(case when is_high_intent then occurred_at end)
            over block_time as block_last_high_intent_at
    from anchored
    window block_time as (
        partition by lead_id, engagement_epoch, decay_block
        order by occurred_at
        range between unbounded preceding and current row
    )
),

-- Each block's totals, carried into the next block (an aggregate, not another window).
block_totals as (
    select
        lead_id,
        engagement_epoch,
        decay_block,
        {%- for category in categories %}
        sum(case when category = '{{ category.name }}' then anchored_points else 0 end)
            as total_{{ category.name }},
        {%- endfor %}
        max(case when is_high_intent then occurred_at end) as block_last_high_intent_at
    from anchored
    group by lead_id, engagement_epoch, decay_block
),

decayed as (
    select
        running.*,
        {%- for category in categories %}
        cast(running.running_{{ category.name }} as double precision)
        * power(2.0, -running.block_offset_days / running.half_life_days - {{ scale_bits }})
        + coalesce(
            cast(previous_block.total_{{ category.name }} as double precision)
            * power(
                2.0,
                -(running.block_offset_days + running.block_days) / running.half_life_days
                - {{ scale_bits }}
            ),
            0
        ) as {{ category.name }}_unrounded_total,
        {%- endfor %}
        int_leads_fit_scored.fit_score,
        -- The last high-intent action of the epoch up to the event: in this block, else in the
        -- previous one. One further back is over 48 half-lives old, beyond every recency
        -- window (a test on mql_definitions holds the windows to one block).
        coalesce(
            running.block_last_high_intent_at, previous_block.block_last_high_intent_at
        ) as last_high_intent_at
    from running
    inner join int_leads_fit_scored
        on running.lead_id = int_leads_fit_scored.lead_id
    -- ST11 is silenced below: the per-category columns use it; lint renders no categories.
    left join block_totals as previous_block  -- noqa: ST11
        on
            running.lead_id = previous_block.lead_id
            and running.engagement_epoch = previous_block.engagement_epoch
            and running.decay_block - 1 = previous_block.decay_block
),

-- Each total rounded to 1e-9 of a point (macro exact_score): a total the rules make exact (a
-- single 25-point activity at its own time) is exactly that, so caps, grade bands and MQL
-- thresholds compare the true value on every engine.
capped as (
    select
        *,
        {%- for category in categories %}
        {%- set exact_total = exact_score(category.name ~ '_unrounded_total') %}
        {{ exact_total }} as {{ category.name }}_decayed_total,
        {{ clamp(exact_total, category.min_total, category.max_total) }}
            as {{ category.name }}_capped_total,
        {%- endfor %}
        fit_weight * fit_score as fit_component
    from decayed
),

engagement as (
    select
        *,
        {{ exact_score(clamp(capped_sum, 0, 100)) }} as engagement_score
    from capped
),

final as (
    select
        activity_id,
        lead_id,
        original_lead_id,
        activity_type,
        occurred_at,
        campaign_id,
        category,
        points,
        is_high_intent,
        engagement_epoch,
        is_mql_blocked,
        last_high_intent_at,
        {%- for category in categories %}
        {{ category.name }}_decayed_total,
        {{ category.name }}_capped_total,
        {%- endfor %}
        fit_score,
        engagement_score,
        {{ exact_score(clamp('fit_component + engagement_weight * engagement_score', 0, 100)) }}
            as lead_score
    from engagement
)

select * from final
