-- The good rows of base_crm__lead_status_history:
-- every data-quality rule passed, the latest version of each key.
with

base_crm__lead_status_history as (
    select * from {{ ref('base_crm__lead_status_history') }}
),

final as (
    select
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
    where
        _dq_reason is null
        and not _is_superseded
)

select * from final
