-- Conversion chain: no opportunity the funnel counts was created or won before the lead it names
-- was created (beyond var lead_created_tolerance_minutes, the tolerance activities get). Such an
-- opportunity belongs in quarantine_opportunities (before_lead_created, won_before_lead_created);
-- one that reached the marts would count a deal won before its lead existed.
{{ config(meta={'dagster': {'ref': {'name': 'fct_lead_funnel'}}}) }}
{%- set earliest_allowed = earliest_after_lead_created('int_leads_checked.created_at') %}
with

int_opportunities_resolved as (
    select * from {{ ref('int_opportunities_resolved') }}
),

int_leads_checked as (
    select * from {{ ref('int_leads_checked') }}
),

fct_lead_funnel as (
    select * from {{ ref('fct_lead_funnel') }}
),

counted as (
    select
        int_opportunities_resolved.opportunity_id,
        int_opportunities_resolved.opportunity_created_at,
        int_opportunities_resolved.is_won,
        int_opportunities_resolved.closed_at,
        int_leads_checked.created_at as lead_created_at,
        {{ earliest_allowed }} as earliest_allowed_at
    from int_opportunities_resolved
    inner join int_leads_checked
        on int_opportunities_resolved.original_lead_id = int_leads_checked.lead_id
    inner join fct_lead_funnel
        on int_opportunities_resolved.lead_id = fct_lead_funnel.lead_id
),

final as (
    select
        opportunity_id,
        case
            when opportunity_created_at < earliest_allowed_at then 'created before its lead'
            else 'won before its lead was created'
        end as broken_order
    from counted
    where
        opportunity_created_at < earliest_allowed_at
        or (is_won and closed_at < earliest_allowed_at)
)

select * from final
