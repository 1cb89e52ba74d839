-- The good rows of base_crm__opportunities:
-- every data-quality rule passed, the latest version of each key.
with

base_crm__opportunities as (
    select * from {{ ref('base_crm__opportunities') }}
),

final as (
    select
        opportunity_id,
        lead_id,
        account_id,
        stage_name,
        amount,
        is_closed,
        is_won,
        lead_source,
        channel,
        created_at,
        closed_at,
        updated_at,
        _source_file,
        _source_line,
        _loaded_at
    from base_crm__opportunities
    where
        _dq_reason is null
        and not _is_superseded
)

select * from final
