{%- set spend_at = dbt.cast('spend_date', dbt.type_timestamp()) -%}
{{ base_model(
    landing_rows('marketing', 'campaign_spend'),
    columns=[
        {'name': 'campaign_id', 'kind': 'id'},
        {'name': 'spend_date', 'kind': 'date'},
        {'name': 'spend_amount', 'kind': 'number', 'from': 'amount'},
    ],
    key_columns=['campaign_id', 'spend_date'],
    version_columns=['_loaded_at'],
    record_id={'name': 'campaign_spend_id', 'columns': ['campaign_id', 'spend_date']},
    checks=[
        {'reason': 'null_key', 'rule': 'campaign_id_not_null', 'condition': 'campaign_id is null'},
        {'reason': 'null_key', 'rule': 'spend_date_not_null', 'condition': 'spend_date is null'},
        {'reason': 'non_finite_number', 'rule': 'amount_is_finite',
         'condition': is_not_finite('spend_amount')},
        {'reason': 'negative_amount', 'rule': 'amount_not_negative',
         'condition': 'spend_amount < 0'},
        {'reason': 'future_timestamp', 'rule': 'spend_date_not_after_load',
         'condition': is_future_timestamp(spend_at)},
        {'reason': 'implausibly_old_timestamp', 'rule': 'spend_date_not_before_earliest_event_date',
         'condition': is_implausibly_old_timestamp(spend_at)},
    ],
) }}
