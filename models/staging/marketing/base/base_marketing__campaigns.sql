{{ base_model(
    source('marketing', 'campaigns'),
    columns=[
        {'name': 'campaign_id', 'kind': 'id'},
        {'name': 'campaign_name', 'kind': 'text', 'from': 'name'},
        {'name': 'lead_source', 'kind': 'text'},
        {'name': 'start_date', 'kind': 'date', 'from': 'started_on'},
        {'name': 'end_date', 'kind': 'date', 'from': 'ended_on'},
    ],
    key_columns=['campaign_id'],
    version_columns=['_loaded_at'],
    lookups=[{
        'seed': 'channel_mapping',
        'on': 'lower(staged.lead_source) = channel_mapping.lead_source',
    }],
    enriched=[{'name': 'channel', 'sql': "coalesce(channel_mapping.channel, 'other')"}],
    checks=[
        {'reason': 'null_key', 'rule': 'campaign_id_not_null', 'condition': 'campaign_id is null'},
    ],
) }}
