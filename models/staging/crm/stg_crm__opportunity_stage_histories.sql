-- The good rows of base_crm__opportunity_stage_history:
-- every data-quality rule passed, the latest version of each key.
with

base_crm__opportunity_stage_history as (
    select * from {{ ref('base_crm__opportunity_stage_history') }}
),

final as (
    select
        stage_change_id,
        opportunity_id,
        stage_name,
        stage_changed_at,
        _source_file,
        _source_line,
        _loaded_at
    from base_crm__opportunity_stage_history
    where
        _dq_reason is null
        and not _is_superseded
)

select * from final
