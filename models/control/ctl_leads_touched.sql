{%- set previous_survivors = build_state_relation('build_lead_survivors') %}
-- The leads an incremental build recomputes: every lead id (surviving now, or surviving at the
-- previous build) whose inputs changed since the previous build. A lead is touched by
-- - a raw row loaded after the watermark that names it: its lead record (and the lead it is
--   merged into), an activity, a status change, an opportunity or a stage change (of an
--   opportunity of it); for keyed events also every earlier version of the same key, which
--   may have named another lead;
-- - an event between the previous and this build's as-of time (every mart is cut there): an
--   activity, a status change, an opportunity created or closed, a stage change, its creation;
-- - a change of its merge resolution: both the old and the new surviving lead.
-- Each of these ids, its current survivor and its survivor at the previous build are touched.
-- Every lead when the window says recompute_all.
with

load_window as (
    select * from {{ ref('ctl_load_window') }}
),

new_activity_ids as (
    select base_marketing__activities.activity_id
    from {{ ref('base_marketing__activities') }} as base_marketing__activities
    cross join load_window
    where base_marketing__activities._loaded_at > load_window.previous_loaded_through
),

new_opportunity_ids as (
    select base_crm__opportunities.opportunity_id
    from {{ ref('base_crm__opportunities') }} as base_crm__opportunities
    cross join load_window
    where base_crm__opportunities._loaded_at > load_window.previous_loaded_through
    union all
    select base_crm__opportunity_stage_history.opportunity_id
    from {{ ref('base_crm__opportunity_stage_history') }} as base_crm__opportunity_stage_history
    cross join load_window
    where base_crm__opportunity_stage_history._loaded_at > load_window.previous_loaded_through
),

as_of_moves as (
    select
        least(load_window.previous_as_of_at, ctl_as_of.as_of_at) as moved_from,
        greatest(load_window.previous_as_of_at, ctl_as_of.as_of_at) as moved_to
    from load_window
    cross join {{ ref('ctl_as_of') }} as ctl_as_of
    where load_window.previous_as_of_at <> ctl_as_of.as_of_at
),

changed_ids as (
    select base_crm__leads.lead_id
    from {{ ref('base_crm__leads') }} as base_crm__leads
    cross join load_window
    where base_crm__leads._loaded_at > load_window.previous_loaded_through
    union all
    select base_crm__leads.merged_into_lead_id as lead_id
    from {{ ref('base_crm__leads') }} as base_crm__leads
    cross join load_window
    where base_crm__leads._loaded_at > load_window.previous_loaded_through
    union all
    select base_marketing__activities.lead_id
    from {{ ref('base_marketing__activities') }} as base_marketing__activities
    where base_marketing__activities.activity_id in (
            select new_activity_ids.activity_id from new_activity_ids
        )
    union all
    select base_crm__lead_status_history.lead_id
    from {{ ref('base_crm__lead_status_history') }} as base_crm__lead_status_history
    cross join load_window
    where base_crm__lead_status_history._loaded_at > load_window.previous_loaded_through
    union all
    select base_crm__opportunities.lead_id
    from {{ ref('base_crm__opportunities') }} as base_crm__opportunities
    where base_crm__opportunities.opportunity_id in (
            select new_opportunity_ids.opportunity_id from new_opportunity_ids
        )
    union all
    select base_marketing__activities.lead_id
    from {{ ref('base_marketing__activities') }} as base_marketing__activities
    inner join as_of_moves
        on
            base_marketing__activities.occurred_at > as_of_moves.moved_from
            and base_marketing__activities.occurred_at <= as_of_moves.moved_to
    union all
    select base_crm__lead_status_history.lead_id
    from {{ ref('base_crm__lead_status_history') }} as base_crm__lead_status_history
    inner join as_of_moves
        on
            base_crm__lead_status_history.status_changed_at > as_of_moves.moved_from
            and base_crm__lead_status_history.status_changed_at <= as_of_moves.moved_to
    union all
    select base_crm__opportunities.lead_id
    from {{ ref('base_crm__opportunities') }} as base_crm__opportunities
    inner join as_of_moves
        on
            (
                base_crm__opportunities.created_at > as_of_moves.moved_from
                and base_crm__opportunities.created_at <= as_of_moves.moved_to
            )
            or (
                base_crm__opportunities.closed_at > as_of_moves.moved_from
                and base_crm__opportunities.closed_at <= as_of_moves.moved_to
            )
    union all
    select base_crm__opportunities.lead_id
    from {{ ref('base_crm__opportunities') }} as base_crm__opportunities
    inner join {{ ref('base_crm__opportunity_stage_history') }} as stage_changes
        on base_crm__opportunities.opportunity_id = stage_changes.opportunity_id
    inner join as_of_moves
        on
            stage_changes.stage_changed_at > as_of_moves.moved_from
            and stage_changes.stage_changed_at <= as_of_moves.moved_to
    union all
    select base_crm__leads.lead_id
    from {{ ref('base_crm__leads') }} as base_crm__leads
    inner join as_of_moves
        on
            base_crm__leads.created_at > as_of_moves.moved_from
            and base_crm__leads.created_at <= as_of_moves.moved_to
),

current_survivors as (
    select
        lead_id,
        surviving_lead_id
    from {{ ref('int_leads_checked') }}
),

previous_survivors as (
    {% if previous_survivors is not none -%}
        select
            lead_id,
            surviving_lead_id
        from {{ previous_survivors }}
    {% else -%}
        select
            cast(null as {{ dbt.type_string() }}) as lead_id,
            cast(null as {{ dbt.type_string() }}) as surviving_lead_id
    {% endif -%}
),

-- Leads whose surviving lead changed (merged, re-pointed, unresolved, or new / gone).
resolution_changes as (
    select
        coalesce(current_survivors.lead_id, previous_survivors.lead_id) as lead_id,
        current_survivors.surviving_lead_id as current_surviving_lead_id,
        previous_survivors.surviving_lead_id as previous_surviving_lead_id
    from current_survivors
    full outer join previous_survivors
        on current_survivors.lead_id = previous_survivors.lead_id
    where
        current_survivors.lead_id is null
        or previous_survivors.lead_id is null
        or current_survivors.surviving_lead_id <> previous_survivors.surviving_lead_id
        or (current_survivors.surviving_lead_id is null)
        <> (previous_survivors.surviving_lead_id is null)
),

touched_ids as (
    select distinct lead_id
    from changed_ids
    where lead_id is not null
),

candidates as (
    select lead_id from touched_ids
    union all
    select current_survivors.surviving_lead_id as lead_id
    from touched_ids
    inner join current_survivors
        on touched_ids.lead_id = current_survivors.lead_id
    union all
    select previous_survivors.surviving_lead_id as lead_id
    from touched_ids
    inner join previous_survivors
        on touched_ids.lead_id = previous_survivors.lead_id
    union all
    select lead_id from resolution_changes
    union all
    select current_surviving_lead_id as lead_id from resolution_changes
    union all
    select previous_surviving_lead_id as lead_id from resolution_changes
),

every_lead as (
    select base_crm__leads.lead_id
    from {{ ref('base_crm__leads') }} as base_crm__leads
    cross join load_window
    where load_window.recompute_all
),

final as (
    select distinct candidates.lead_id
    from candidates
    cross join load_window
    where
        candidates.lead_id is not null
        and not load_window.recompute_all
    union
    select lead_id
    from every_lead
    where lead_id is not null
)

select * from final
