{{ config(materialized='table') }}
{%- set previous = previous_build_relation('int_build_watermark') %}
-- The window of this build (one row): raw rows loaded after the previous build's watermark are
-- new; previous_as_of_at is the as-of time the previous build scored at (this build's is
-- int_as_of, downstream of staging, which reads this window). recompute_all when
-- there is no previous build, on --full-refresh, or when the project (models, seeds, vars)
-- changed since the previous build.
with

loads as (
    select max(_loaded_at) as loaded_at from {{ source('crm', 'leads') }}
    union all
    select max(_loaded_at) as loaded_at from {{ source('marketing', 'activities') }}
    union all
    select max(_loaded_at) as loaded_at from {{ source('crm', 'lead_status_history') }}
    union all
    select max(_loaded_at) as loaded_at from {{ source('crm', 'opportunities') }}
    union all
    select max(_loaded_at) as loaded_at from {{ source('crm', 'opportunity_stage_history') }}
),

previous_build as (
    {% if previous is not none and not flags.FULL_REFRESH -%}
        select
            loaded_through,
            as_of_at,
            fingerprint
        from {{ previous }}
    {% else -%}
        select
            cast(null as {{ dbt.type_timestamp() }}) as loaded_through,
            cast(null as {{ dbt.type_timestamp() }}) as as_of_at,
            cast(null as {{ dbt.type_string() }}) as fingerprint
    {% endif -%}
),

this_build as (
    select
        max(loaded_at) as loaded_through,
        '{{ incremental_fingerprint() }}' as fingerprint
    from loads
),

final as (
    select
        this_build.loaded_through,
        this_build.fingerprint,
        previous_build.loaded_through as previous_loaded_through,
        previous_build.as_of_at as previous_as_of_at,
        coalesce(
            previous_build.loaded_through is null
            or previous_build.as_of_at is null
            or previous_build.fingerprint <> this_build.fingerprint,
            true
        ) as recompute_all
    from this_build
    left join previous_build
        on 1 = 1
)

select * from final
