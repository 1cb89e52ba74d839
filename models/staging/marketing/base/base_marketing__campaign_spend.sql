{%- set content_columns = ['campaign_id', 'spend_date', 'spend_amount'] -%}

{%- set checks = [
    {'reason': 'null_key', 'rule': 'campaign_id_not_null', 'condition': 'campaign_id is null'},
    {'reason': 'null_key', 'rule': 'spend_date_not_null', 'condition': 'spend_date is null'},
    {'reason': 'non_finite_number', 'rule': 'amount_is_finite',
     'condition': is_not_finite('spend_amount')},
    {'reason': 'negative_amount', 'rule': 'amount_not_negative',
     'condition': 'spend_amount < 0'},
    {'reason': 'future_timestamp', 'rule': 'spend_date_not_after_load',
     'condition': is_future_timestamp(dbt.cast('spend_date', dbt.type_timestamp()))},
    {'reason': 'implausibly_old_timestamp', 'rule': 'spend_date_not_before_earliest_event_date',
     'condition': is_implausibly_old_timestamp(dbt.cast('spend_date', dbt.type_timestamp()))},
] -%}

with

source as (
    select * from {{ source('marketing', 'campaign_spend') }}
),

renamed as (
    select
        nullif(trim(campaign_id), '') as campaign_id,
        cast(spend_date as date) as spend_date,
        amount as spend_amount,
        _source_file,
        _source_line,
        _loaded_at
    from source
),

checked as (
    select
        *,
        {{ surrogate_key(['campaign_id', 'spend_date']) }} as campaign_spend_id,
        {{ dq_check_columns(checks) }}
    from renamed
),

resolved as (
    {{ dq_resolve_versions(
        'checked', key_columns=['campaign_id', 'spend_date'], version_columns=['_loaded_at'],
        content_columns=content_columns
    ) }}
),

final as (
    select
        campaign_spend_id,
        campaign_id,
        spend_date,
        spend_amount,
        _dq_reason,
        _dq_rule,
        _is_superseded,
        _source_file,
        _source_line,
        _loaded_at
    from resolved
)

select * from final
