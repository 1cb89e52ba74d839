{#- The funnel settings seed as one row with one column per parameter. -#}
{% macro funnel_settings_row() -%}
    select
        max(case when parameter = 'min_cohort_mqls' then value end) as min_cohort_mqls,
        max(case when parameter = 'measurement_window_days' then value end)
            as measurement_window_days
    from {{ ref('funnel_health_settings') }}
{%- endmacro %}

{#- Funnel counts, amounts and medians over the leads of one group (a cohort and channel, or a
    roll-up of them). Every rate's numerator is a subset of its denominator: SALs and SQLs are
    counted only when they came inside an MQL episode, opportunities only after an SQL, wins only
    from opportunities. -#}
{% macro funnel_aggregates(leads) -%}
    cast(count(*) as {{ dbt.type_bigint() }}) as leads,
    cast(sum(case when {{ leads }}.is_mql then 1 else 0 end) as {{ dbt.type_bigint() }}) as mqls,
    cast(sum(case when {{ leads }}.is_sal_after_mql then 1 else 0 end) as {{ dbt.type_bigint() }}) as sals,
    cast(sum(case when {{ leads }}.is_sql then 1 else 0 end) as {{ dbt.type_bigint() }}) as sqls,
    cast(sum(case when {{ leads }}.is_sql_after_mql then 1 else 0 end) as {{ dbt.type_bigint() }}) as sqls_from_mql,
    cast(sum(case when {{ leads }}.has_opportunity then 1 else 0 end) as {{ dbt.type_bigint() }}) as opportunities,
    cast(sum(case when {{ leads }}.is_opportunity_after_sql then 1 else 0 end) as {{ dbt.type_bigint() }})
        as opportunities_from_sql,
    cast(sum(case when {{ leads }}.is_won then 1 else 0 end) as {{ dbt.type_bigint() }}) as won_deals,
    cast(sum(case when {{ leads }}.has_skipped_mql then 1 else 0 end) as {{ dbt.type_bigint() }}) as leads_skipping_mql,
    sum({{ leads }}.pipeline_amount) as pipeline_amount,
    sum({{ leads }}.won_amount) as won_amount,
    {{ median(leads ~ '.days_created_to_mql') }} as median_days_created_to_mql,
    {{ median(leads ~ '.days_mql_to_sal') }} as median_days_mql_to_sal,
    {{ median(leads ~ '.days_sal_to_sql') }} as median_days_sal_to_sql,
    {{ median(leads ~ '.days_sql_to_opportunity') }} as median_days_sql_to_opportunity,
    {{ median(leads ~ '.days_opportunity_to_close') }} as median_days_opportunity_to_close
{%- endmacro %}

{#- numerator / denominator as a double, null when the denominator is 0. -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as double precision) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- The speed-to-lead bucket of a response time in hours (null: never touched). One definition
    for the per-lead funnel and the speed-to-lead report, so their buckets always agree. -#}
{% macro response_bucket(hours) -%}
    case
        when {{ hours }} is null then 'never'
        when {{ hours }} <= 4 then '<=4h'
        when {{ hours }} <= 24 then '<=24h'
        when {{ hours }} <= 48 then '<=48h'
        when {{ hours }} <= 168 then '<=7d'
        else '>7d'
    end
{%- endmacro %}
