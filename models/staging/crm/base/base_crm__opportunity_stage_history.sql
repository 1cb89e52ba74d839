{%- set content_columns = ['opportunity_id', 'stage_name', 'stage_changed_at'] -%}

{%- set checks = [
    {'reason': 'null_key', 'rule': 'opportunity_id_not_null',
     'condition': 'opportunity_id is null'},
    {'reason': 'null_key', 'rule': 'stage_name_not_null', 'condition': 'stage_name is null'},
    {'reason': 'null_key', 'rule': 'changed_at_not_null', 'condition': 'stage_changed_at is null'},
    {'reason': 'future_timestamp', 'rule': 'changed_at_not_after_load',
     'condition': is_future_timestamp('stage_changed_at')},
    {'reason': 'implausibly_old_timestamp', 'rule': 'stage_changed_at_not_before_earliest_event_date',
     'condition': is_implausibly_old_timestamp('stage_changed_at')},
] -%}

with

source as (
    select * from {{ source('crm', 'opportunity_stage_history') }}
),

renamed as (
    select
        nullif(trim(opportunity_id), '') as opportunity_id,
        nullif(trim(stage_name), '') as stage_name,
        cast(changed_at as {{ dbt.type_timestamp() }}) as stage_changed_at,
        _source_file,
        _source_line,
        _loaded_at
    from source
),

checked as (
    select
        *,
        {{ surrogate_key(['opportunity_id', 'stage_name', 'stage_changed_at']) }}
            as stage_change_id,
        {{ dq_check_columns(checks) }}
    from renamed
),

resolved as (
    {{ dq_resolve_versions(
        'checked',
        key_columns=['opportunity_id', 'stage_changed_at', 'stage_name'],
        version_columns=[],
        content_columns=content_columns
    ) }}
),

final as (
    select
        stage_change_id,
        opportunity_id,
        stage_name,
        stage_changed_at,
        _dq_reason,
        _dq_rule,
        _is_superseded,
        _source_file,
        _source_line,
        _loaded_at
    from resolved
)

select * from final
