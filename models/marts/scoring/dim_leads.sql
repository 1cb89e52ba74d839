{%- set categories = scoring_categories() %}
{#- Each category's total decayed to the as-of time, clamped to the category's range. -#}
{%- set capped_terms = [] %}
{%- for category in categories %}
    {%- do capped_terms.append(clamp(
        exact_score(category.name ~ '_decayed_total * decay_factor'),
        category.min_total, category.max_total
    )) %}
{%- endfor %}
-- depends_on: {{ ref('scoring_categories') }}
-- depends_on: {{ ref('grade_bands') }}
-- One row per surviving lead: who it is, its current fit, engagement (decayed to the as-of time,
-- current epoch only), lead score and grade, its lifecycle stage and its MQL history. Rebuilt
-- every build (the as-of time moves), from one lead-incremental row per lead: a projection, no
-- joins or windows.
with

int_lead_profiles as (
    select * from {{ ref('int_lead_profiles') }}
),

scoring_parameters as (
    {{ scoring_parameters_row() }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

-- Engagement at the as-of time: the totals after the lead's last scored event of its current
-- epoch (int_lead_profiles) times 0.5 ^ ((as_of - t) / half_life), rounded to 1e-9 of a point
-- (macro exact_score, as in the ledger). No aggregation of floats: the same bits on every build.
decay_to_as_of as (
    select
        int_lead_profiles.*,
        power(
            2.0,
            (
                {{ epoch_seconds('int_lead_profiles.last_scored_activity_at') }}
                - {{ epoch_seconds('as_of.as_of_at') }}
            )
            / (86400.0 * scoring_parameters.half_life_days)
        ) as decay_factor,
        scoring_parameters.fit_weight,
        scoring_parameters.engagement_weight,
        as_of.as_of_at as scored_as_of
    from int_lead_profiles
    cross join as_of
    cross join scoring_parameters
),

scored as (
    select
        *,
        {{ exact_score(clamp((capped_terms | join(' + ')) or '0', 0, 100)) }} as engagement_score
    from decay_to_as_of
),

final as (
    select
        lead_id,
        email_domain,
        email_domain_type,
        company_name,
        account_id,
        job_title,
        seniority,
        persona,
        industry,
        employee_count,
        annual_revenue,
        country,
        lead_source,
        channel,
        created_at,
        fit_score,
        fit_rules_matched,
        coalesce(engagement_score, 0) as engagement_score,
        {{ exact_score(clamp(
            'fit_weight * fit_score + engagement_weight * coalesce(engagement_score, 0)', 0, 100
        )) }} as lead_score,
        {{ grade_case('fit', 'fit_score') }} as fit_grade,
        {{ grade_case('engagement', 'coalesce(engagement_score, 0)') }} as engagement_grade,
        sales_status,
        case
            when is_disqualified then 'disqualified'
            when sales_status = 'converted' then 'opportunity'
            when sales_status = 'qualified' then 'sql'
            when sales_status = 'accepted' then 'sal'
            when sales_status = 'working' then 'working'
            when has_mql_in_current_epoch then 'mql'
            when sales_status = 'recycled' then 'recycled'
            else 'lead'
        end as lifecycle_stage,
        engagement_epoch,
        first_mql_at,
        latest_mql_at,
        mql_count,
        mql_count > 0 as is_mql,
        scored_as_of
    from scored
)

select
    *,
    {{ dbt.concat(['fit_grade', 'engagement_grade']) }} as grade
from final
