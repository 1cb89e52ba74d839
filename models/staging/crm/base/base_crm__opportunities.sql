{%- set content_columns = [
    'opportunity_id', 'lead_id', 'account_id', 'created_at', 'stage_name', 'amount',
    'is_closed', 'is_won', 'closed_at', 'lead_source', 'updated_at',
] -%}

{%- set checks = [
    {'reason': 'null_key', 'rule': 'opportunity_id_not_null',
     'condition': 'opportunity_id is null'},
    {'reason': 'null_required', 'rule': 'created_at_not_null', 'condition': 'created_at is null'},
    {'reason': 'negative_amount', 'rule': 'amount_not_negative', 'condition': 'amount < 0'},
    {'reason': 'future_timestamp', 'rule': 'created_at_not_after_load',
     'condition': is_future_timestamp('created_at')},
    {'reason': 'future_timestamp', 'rule': 'closed_at_not_after_load',
     'condition': is_future_timestamp('closed_at')},
    {'reason': 'future_timestamp', 'rule': 'updated_at_not_after_load',
     'condition': is_future_timestamp('updated_at')},
    {'reason': 'non_finite_number', 'rule': 'amount_is_finite',
     'condition': is_not_finite('amount')},
    {'reason': 'implausibly_old_timestamp', 'rule': 'created_at_not_before_earliest_event_date',
     'condition': is_implausibly_old_timestamp('created_at')},
    {'reason': 'implausibly_old_timestamp', 'rule': 'closed_at_not_before_earliest_event_date',
     'condition': is_implausibly_old_timestamp('closed_at')},
] -%}

with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
),

renamed as (
    select
        nullif(trim(opportunity_id), '') as opportunity_id,
        nullif(trim(lead_id), '') as lead_id,
        nullif(trim(account_id), '') as account_id,
        nullif(trim(stage_name), '') as stage_name,
        amount,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) as is_won,
        nullif(trim(lead_source), '') as lead_source,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        _source_file,
        _source_line,
        _loaded_at
    from source
),

enriched as (
    select
        renamed.*,
        coalesce(channel_mapping.channel, 'other') as channel
    from renamed
    left join channel_mapping
        on lower(renamed.lead_source) = channel_mapping.lead_source
),

checked as (
    select
        *,
        {{ dq_check_columns(checks) }}
    from enriched
),

resolved as (
    {{ dq_resolve_versions(
        'checked', key_columns=['opportunity_id'], version_columns=['updated_at'],
        content_columns=content_columns
    ) }}
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
        _dq_reason,
        _dq_rule,
        _is_superseded,
        _source_file,
        _source_line,
        _loaded_at
    from resolved
)

select * from final
