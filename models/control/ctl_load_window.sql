{%- set previous = build_state_relation('build_watermark') %}
-- The window of this build (one row): raw rows loaded after the previous build's watermark
-- (control.build_watermark, written by the on-run-end hook record_build_state) are new;
-- previous_as_of_at is the as-of time the previous build scored at (this build's is ctl_as_of).
-- recompute_all when there is no previous build, on --full-refresh, or when the project
-- (models, seeds, vars) changed since the previous build (macros/control.sql).
with

loads as (
    select max(_loaded_at) as loaded_at from {{ landing_rows('crm', 'leads') }}
    union all
    select max(_loaded_at) as loaded_at from {{ landing_rows('marketing', 'activities') }}
    union all
    select max(_loaded_at) as loaded_at from {{ landing_rows('crm', 'lead_status_history') }}
    union all
    select max(_loaded_at) as loaded_at from {{ landing_rows('crm', 'opportunities') }}
    union all
    select max(_loaded_at) as loaded_at from {{ landing_rows('crm', 'opportunity_stage_history') }}
),

previous_build as (
    {% if previous is not none and not flags.FULL_REFRESH -%}
        select max(as_of_at) as previous_as_of_at from {{ previous }}
    {% else -%}
        select cast(null as {{ dbt.type_timestamp() }}) as previous_as_of_at
    {% endif -%}
),

this_build as (
    select max(loaded_at) as loaded_through from loads
),

final as (
    select
        this_build.loaded_through,
        '{{ incremental_fingerprint() }}' as fingerprint,
        {{ previous_loaded_through() }} as previous_loaded_through,
        previous_build.previous_as_of_at,
        {{ recompute_all() }} as recompute_all
    from this_build
    cross join previous_build
)

select * from final
