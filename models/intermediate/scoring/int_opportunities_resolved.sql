-- Opportunities with their originating lead re-pointed to the surviving lead (null when the
-- opportunity was not sourced from a lead).
with

stg_crm__opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

stg_crm__leads as (
    select * from {{ ref('stg_crm__leads') }}
),

final as (
    select
        stg_crm__opportunities.opportunity_id,
        stg_crm__leads.surviving_lead_id as lead_id,
        stg_crm__opportunities.lead_id as original_lead_id,
        stg_crm__opportunities.account_id,
        stg_crm__opportunities.created_at as opportunity_created_at,
        stg_crm__opportunities.stage_name,
        stg_crm__opportunities.amount,
        stg_crm__opportunities.is_closed,
        stg_crm__opportunities.is_won,
        stg_crm__opportunities.closed_at,
        stg_crm__opportunities.channel
    from stg_crm__opportunities
    left join stg_crm__leads
        on stg_crm__opportunities.lead_id = stg_crm__leads.lead_id
    where stg_crm__opportunities.created_at <= {{ as_of_timestamp() }}
)

select * from final
