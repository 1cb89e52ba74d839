{%- set countries = vocabulary(
    'country', '_country_key', canonical=[(ref('country_codes'), 'country_code', 'country_value')]
) -%}
{{ base_model(
    landing_rows('crm', 'accounts'),
    columns=[
        {'name': 'account_id', 'kind': 'id'},
        {'name': 'account_name', 'kind': 'text', 'from': 'name'},
        {'name': 'account_domain', 'kind': 'lower', 'from': 'domain'},
        {'name': 'industry', 'kind': 'code'},
        {'name': 'employee_count', 'kind': 'bigint'},
        {'name': 'country_as_delivered', 'kind': 'text', 'from': 'country'},
    ],
    key_columns=['account_id'],
    version_columns=['_loaded_at'],
    content_columns=[
        'account_id', 'account_name', 'account_domain', 'industry', 'employee_count', 'country',
    ],
    derived=[{'name': '_country_key', 'sql': vocabulary_key('country_as_delivered')}],
    lookups=countries.lookups,
    enriched=[{'name': 'country', 'sql': countries.value}],
    checks=[
        {'reason': 'null_key', 'rule': 'account_id_not_null', 'condition': 'account_id is null'},
    ],
) }}
