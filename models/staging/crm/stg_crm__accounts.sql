-- The good rows of base_crm__accounts:
-- every data-quality rule passed, the latest version of each key.
with

base_crm__accounts as (
    select * from {{ ref('base_crm__accounts') }}
),

final as (
    select
        account_id,
        account_name,
        account_domain,
        industry,
        employee_count,
        country,
        _source_file,
        _source_line,
        _loaded_at
    from base_crm__accounts
    where
        _dq_reason is null
        and not _is_superseded
)

select * from final
