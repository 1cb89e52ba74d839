-- The rows of base_crm__lead_status_history that failed a data-quality rule,
-- with the reason code and the rule that fired.
with

base_crm__lead_status_history as (
    select * from {{ ref('base_crm__lead_status_history') }}
),

final as (
    select
        _dq_reason,
        _dq_rule,
        status_change_id,
        lead_id,
        status,
        status_changed_at,
        reason,
        changed_by,
        _source_file,
        _source_line,
        _loaded_at
    from base_crm__lead_status_history
    where _dq_reason is not null
)

select * from final
