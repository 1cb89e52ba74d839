{%- set stages = vocabulary(
    'stage', '_stage_key', seed='opportunity_stage_vocabulary', target='stage_name',
    canonical=[(ref('opportunity_stages'), 'stage_name', 'stage_name')]
) -%}
{{ base_model(
    landing_rows('crm', 'opportunity_stage_history'),
    columns=[
        {'name': 'opportunity_id', 'kind': 'id'},
        {'name': 'stage_as_delivered', 'kind': 'text', 'from': 'stage_name'},
        {'name': 'stage_changed_at', 'kind': 'timestamp', 'from': 'changed_at'},
    ],
    key_columns=['opportunity_id', 'stage_changed_at', 'stage_name'],
    version_columns=[],
    content_columns=['opportunity_id', 'stage_name', 'stage_changed_at'],
    derived=[{'name': '_stage_key', 'sql': vocabulary_key('stage_as_delivered')}],
    lookups=stages.lookups,
    enriched=[
        {'name': 'stage_name', 'sql': 'coalesce(' ~ stages.value ~ ', staged.stage_as_delivered)'},
        {'name': 'is_known_stage', 'sql': stages.value ~ ' is not null'},
    ],
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
