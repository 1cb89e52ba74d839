-- Activities re-pointed to the surviving lead and joined to their scoring configuration.
-- Activities of merged duplicates count for the lead they were merged into.
with

stg_marketing__activities as (
    select * from {{ ref('stg_marketing__activities') }}
),

stg_crm__leads as (
    select * from {{ ref('stg_crm__leads') }}
),

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
),

scoring_activity_types as (
    select * from {{ ref('scoring_activity_types') }}
),

resolved as (
    select
        stg_marketing__activities.activity_id,
        stg_crm__leads.surviving_lead_id as lead_id,
        stg_marketing__activities.lead_id as original_lead_id,
        stg_marketing__activities.activity_type,
        stg_marketing__activities.occurred_at,
        stg_marketing__activities.campaign_id,
        scoring_activity_types.category,
        scoring_activity_types.points,
        scoring_activity_types.is_high_intent,
        scoring_activity_types.is_sales_touch
    from stg_marketing__activities
    inner join stg_crm__leads
        on stg_marketing__activities.lead_id = stg_crm__leads.lead_id
    inner join scoring_activity_types
        on stg_marketing__activities.activity_type = scoring_activity_types.activity_type
    where stg_marketing__activities.occurred_at <= {{ as_of_timestamp() }}
),

final as (
    select resolved.*
    from resolved
    inner join int_leads_resolved
        on resolved.lead_id = int_leads_resolved.lead_id
)

select * from final
