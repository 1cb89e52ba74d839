-- Staged leads against the rules that need the whole lead table: a merge chain that does not
-- end at a lead (dangling, cyclic or too long) leaves the lead without a survivor.
with

stg_crm__leads as (
    select * from {{ ref('stg_crm__leads') }}
),

final as (
    select
        *,
        case when surviving_lead_id is null then 'unresolved_merge' end as _dq_reason,
        case
            when
                surviving_lead_id is null
                then 'merge chain ends at a lead (' || merge_chain_status || ')'
        end as _dq_rule
    from stg_crm__leads
)

select * from final
