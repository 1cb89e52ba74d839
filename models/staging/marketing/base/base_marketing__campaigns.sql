{%- set channels = vocabulary(
    'channel', '_lead_source_key',
    canonical=[(ref('channel_mapping'), 'channel', 'lead_source')]
) -%}
{{ base_model(
    landing_rows('marketing', 'campaigns'),
    columns=[
        {'name': 'campaign_id', 'kind': 'id'},
        {'name': 'campaign_name', 'kind': 'text', 'from': 'name'},
        {'name': 'lead_source', 'kind': 'text'},
        {'name': 'start_date', 'kind': 'date', 'from': 'started_on'},
        {'name': 'end_date', 'kind': 'date', 'from': 'ended_on'},
    ],
    key_columns=['campaign_id'],
    version_columns=['_loaded_at'],
    derived=[{'name': '_lead_source_key', 'sql': vocabulary_key('lead_source')}],
    lookups=channels.lookups,
    enriched=[{'name': 'channel', 'sql': "coalesce(" ~ channels.value ~ ", 'other')"}],
    checks=[
        {'reason': 'null_key', 'rule': 'campaign_id_not_null', 'condition': 'campaign_id is null'},
    ],
) }}
