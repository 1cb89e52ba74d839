{{ config(materialized='table') }}
-- A table, not the staging default view: the merge-chain resolution runs once, not in every
-- model and test downstream (a million leads reach it through a dozen of them).
-- The good rows of base_crm__leads (every data-quality rule passed, the latest version of each
-- lead), with each lead's merge chain followed to the surviving lead. Merged leads stay here:
-- surviving_lead_id says where they went.
with

base_crm__leads as (
    select * from {{ ref('base_crm__leads') }}
),

current_leads as (
    select *
    from base_crm__leads
    where
        _dq_reason is null
        and not _is_superseded
),

-- The chain is followed over the two pointer columns only: five self-joins of narrow rows.
merge_pointers as (
    select
        lead_id,
        merged_into_lead_id
    from current_leads
),

merge_chains as (
    {{ resolve_merge_chain('merge_pointers', 'lead_id', 'merged_into_lead_id', max_hops=5) }}
),

final as (
    select
        current_leads.lead_id,
        current_leads.email,
        current_leads.email_domain,
        current_leads.email_domain_type,
        current_leads.company_name,
        current_leads.account_id,
        current_leads.job_title,
        current_leads.seniority,
        current_leads.persona,
        current_leads.industry,
        current_leads.employee_count,
        current_leads.annual_revenue,
        current_leads.country,
        current_leads.country_as_delivered,
        current_leads.lead_source,
        current_leads.channel,
        current_leads.created_at,
        current_leads.updated_at,
        current_leads.merged_into_lead_id,
        merge_chains.surviving_id as surviving_lead_id,
        merge_chains.hop_count as merge_hop_count,
        merge_chains.chain_status as merge_chain_status,
        current_leads.merged_into_lead_id is not null as is_merged,
        merge_chains.chain_status in ('dangling', 'cycle', 'too_long') as has_unresolved_merge,
        current_leads.is_deleted,
        current_leads.source_system,
        current_leads._source_file,
        current_leads._source_line,
        current_leads._loaded_at
    from current_leads
    inner join merge_chains
        on current_leads.lead_id = merge_chains.lead_id
)

select * from final
