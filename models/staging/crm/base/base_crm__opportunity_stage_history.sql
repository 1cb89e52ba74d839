{{ base_model(
    source('crm', 'opportunity_stage_history'),
    columns=[
        {'name': 'opportunity_id', 'kind': 'id'},
        {'name': 'stage_name', 'kind': 'text'},
        {'name': 'stage_changed_at', 'kind': 'timestamp', 'from': 'changed_at'},
    ],
    key_columns=['opportunity_id', 'stage_changed_at', 'stage_name'],
    version_columns=[],
    record_id={
        'name': 'stage_change_id', 'columns': ['opportunity_id', 'stage_name', 'stage_changed_at'],
    },
    checks=[
        {'reason': 'null_key', 'rule': 'opportunity_id_not_null',
         'condition': 'opportunity_id is null'},
        {'reason': 'null_key', 'rule': 'stage_name_not_null', 'condition': 'stage_name is null'},
        {'reason': 'null_key', 'rule': 'changed_at_not_null',
         'condition': 'stage_changed_at is null'},
        {'reason': 'future_timestamp', 'rule': 'changed_at_not_after_load',
         'condition': is_future_timestamp('stage_changed_at')},
        {'reason': 'implausibly_old_timestamp',
         'rule': 'stage_changed_at_not_before_earliest_event_date',
         'condition': is_implausibly_old_timestamp('stage_changed_at')},
    ],
) }}
