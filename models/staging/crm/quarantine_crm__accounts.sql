-- The rows of base_crm__accounts that failed a data-quality rule,
-- with the reason code and the rule that fired.
with

base_crm__accounts as (
    select * from {{ ref('base_crm__accounts') }}
),

final as (
    select
        _dq_reason,
        _dq_rule,
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
    where _dq_reason is not null
)

select * from final
