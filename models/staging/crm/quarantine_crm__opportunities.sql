-- The rows of base_crm__opportunities that failed a data-quality rule,
-- with the reason code and the rule that fired.
with

base_crm__opportunities as (
    select * from {{ ref('base_crm__opportunities') }}
),

final as (
    select
        _dq_reason,
        _dq_rule,
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
    where _dq_reason is not null
)

select * from final
