{{ base_model(
    source('crm', 'accounts'),
    columns=[
        {'name': 'account_id', 'kind': 'id'},
        {'name': 'account_name', 'kind': 'text', 'from': 'name'},
        {'name': 'account_domain', 'kind': 'lower', 'from': 'domain'},
        {'name': 'industry', 'kind': 'code'},
        {'name': 'employee_count', 'kind': 'bigint'},
        {'name': 'country', 'kind': 'country'},
    ],
    key_columns=['account_id'],
    version_columns=['_loaded_at'],
    checks=[
        {'reason': 'null_key', 'rule': 'account_id_not_null', 'condition': 'account_id is null'},
    ],
) }}
