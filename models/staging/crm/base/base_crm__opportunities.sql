{%- set stages = vocabulary(
    'stage', '_stage_key', seed='opportunity_stage_vocabulary', target='stage_name',
    canonical=[(ref('opportunity_stages'), 'stage_name', 'stage_name')]
) -%}
{%- set channels = vocabulary(
    'channel', '_lead_source_key',
    canonical=[(ref('channel_mapping'), 'channel', 'lead_source')]
) -%}
{{ base_model(
    landing_rows('crm', 'opportunities'),
    columns=[
        {'name': 'opportunity_id', 'kind': 'id'},
        {'name': 'lead_id', 'kind': 'id'},
        {'name': 'account_id', 'kind': 'id'},
        {'name': 'stage_as_delivered', 'kind': 'text', 'from': 'stage_name'},
        {'name': 'amount', 'kind': 'number'},
        {'name': 'is_closed', 'kind': 'flag'},
        {'name': 'is_won', 'kind': 'flag'},
        {'name': 'lead_source', 'kind': 'text'},
        {'name': 'created_at', 'kind': 'timestamp'},
        {'name': 'closed_at', 'kind': 'timestamp'},
        {'name': 'updated_at', 'kind': 'timestamp'},
    ],
    key_columns=['opportunity_id'],
    version_columns=['updated_at'],
    content_columns=[
        'opportunity_id', 'lead_id', 'account_id', 'stage_name', 'amount', 'is_closed', 'is_won',
        'lead_source', 'created_at', 'closed_at', 'updated_at',
    ],
    derived=[
        {'name': '_stage_key', 'sql': vocabulary_key('stage_as_delivered')},
        {'name': '_lead_source_key', 'sql': vocabulary_key('lead_source')},
    ],
    lookups=stages.lookups + channels.lookups,
    enriched=[
        {'name': 'stage_name', 'sql': 'coalesce(' ~ stages.value ~ ', staged.stage_as_delivered)'},
        {'name': 'is_known_stage', 'sql': stages.value ~ ' is not null'},
        {'name': 'channel', 'sql': "coalesce(" ~ channels.value ~ ", 'other')"},
    ],
    checks=[
        {'reason': 'null_key', 'rule': 'opportunity_id_not_null',
         'condition': 'opportunity_id is null'},
        {'reason': 'null_required', 'rule': 'created_at_not_null',
         'condition': 'created_at is null'},
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
    ],
) }}
