-- The rows of base_crm__opportunity_stage_history that failed a data-quality rule,
-- with the reason code and the rule that fired.
with

base_crm__opportunity_stage_history as (
    select * from {{ ref('base_crm__opportunity_stage_history') }}
),

final as (
    select
        _dq_reason,
        _dq_rule,
        stage_change_id,
        opportunity_id,
        stage_name,
        stage_changed_at,
        _source_file,
        _source_line,
        _loaded_at
    from base_crm__opportunity_stage_history
    where _dq_reason is not null
)

select * from final
