{{ lead_incremental_config() }}
-- Stored, not a view: the fit rules are matched once, not in every model and test that reads the
-- scores; incremental by lead (macros/incremental.sql): a build re-scores the touched leads only
-- (a changed lead record, merge or deletion touches its lead).
-- Fit score per lead: the points of every fit rule its attributes match, clamped to [0, 100].
with

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
    where {{ is_touched_lead('lead_id') }}
),

fit_rules as (
    select * from {{ ref('fit_rules') }}
),

rule_matches as (
    select
        int_leads_resolved.lead_id,
        fit_rules.rule_id,
        fit_rules.points,
        case fit_rules.attribute
            when 'seniority' then int_leads_resolved.seniority
            when 'persona' then int_leads_resolved.persona
            when 'industry' then int_leads_resolved.industry
            when 'country' then int_leads_resolved.country
            when 'email_domain_type' then int_leads_resolved.email_domain_type
        end as text_value,
        case fit_rules.attribute
            when 'employee_count' then int_leads_resolved.employee_count
        end as numeric_value,
        fit_rules.operator,
        fit_rules.match_values,
        fit_rules.range_min,
        fit_rules.range_max
    from int_leads_resolved
    cross join fit_rules
),

matched as (
    select
        lead_id,
        rule_id,
        points
    from rule_matches
    where
        (operator = 'in' and {{ in_pipe_list('text_value', 'match_values') }})
        or (operator = 'not_in' and not {{ in_pipe_list('text_value', 'match_values') }})
        or (operator = 'between' and numeric_value between range_min and range_max)
),

per_lead as (
    select
        lead_id,
        sum(points) as fit_points,
        {{ dbt.listagg('rule_id', "','", 'order by rule_id') }} as fit_rules_matched
    from matched
    group by lead_id
),

final as (
    select
        int_leads_resolved.lead_id,
        coalesce(per_lead.fit_points, 0) as fit_points,
        cast({{ clamp('coalesce(per_lead.fit_points, 0)', 0, 100) }} as double precision)
            as fit_score,
        per_lead.fit_rules_matched
    from int_leads_resolved
    left join per_lead
        on int_leads_resolved.lead_id = per_lead.lead_id
)

select * from final
