{{ lead_incremental_config(pre_hook="{{ delete_touched_original_leads('original_lead_id') }}") }}
-- Staged activities against the rules that need the leads: the lead must exist and survive (or
-- be merged into a lead that does), not be deleted, and have been created before the activity
-- (beyond var lead_created_tolerance_minutes).
-- Stored, not a view: the scoring models, the quarantine and the reconciliation all read it (at a
-- million leads, twenty million rows and two joins each time). Incremental by the lead as
-- recorded (macros/incremental.sql): a build re-checks the rows of the touched leads and of the
-- leads merged into them.
with

stg_marketing__activities as (
    select * from {{ ref('stg_marketing__activities') }}
    where {{ is_touched_original_lead('lead_id') }}
),

int_leads_checked as (
    select * from {{ ref('int_leads_checked') }}
),

checked as (
    select
        stg_marketing__activities.activity_id,
        stg_marketing__activities.lead_id as original_lead_id,
        int_leads_checked.surviving_lead_id as lead_id,
        stg_marketing__activities.activity_type,
        stg_marketing__activities.occurred_at,
        stg_marketing__activities.campaign_id,
        stg_marketing__activities._source_file,
        stg_marketing__activities._source_line,
        {{ lead_link_reason(
            'int_leads_checked', 'survivors',
            'stg_marketing__activities.occurred_at'
        ) }} as _dq_reason
    from stg_marketing__activities
    left join int_leads_checked
        on stg_marketing__activities.lead_id = int_leads_checked.lead_id
    left join int_leads_checked as survivors
        on int_leads_checked.surviving_lead_id = survivors.lead_id
),

final as (
    select
        *,
        {{ lead_link_rule('_dq_reason') }} as _dq_rule
    from checked
)

select * from final
