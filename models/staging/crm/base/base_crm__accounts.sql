{%- set content_columns = [
    'account_id', 'account_name', 'account_domain', 'industry', 'employee_count', 'country',
] -%}

{%- set checks = [
    {'reason': 'null_key', 'rule': 'account_id_not_null', 'condition': 'account_id is null'},
] -%}

with

source as (
    select * from {{ source('crm', 'accounts') }}
),

renamed as (
    select
        nullif(trim(account_id), '') as account_id,
        nullif(trim(name), '') as account_name,
        nullif(lower(trim(domain)), '') as account_domain,
        nullif({{ snake_case('industry') }}, '') as industry,
        cast(employee_count as {{ dbt.type_bigint() }}) as employee_count,
        nullif(upper(trim(country)), '') as country,
        _source_file,
        _source_line,
        _loaded_at
    from source
),

checked as (
    select
        *,
        {{ dq_check_columns(checks) }}
    from renamed
),

resolved as (
    {{ dq_resolve_versions(
        'checked', key_columns=['account_id'], version_columns=['_loaded_at'],
        content_columns=content_columns
    ) }}
),

final as (
    select
        account_id,
        account_name,
        account_domain,
        industry,
        employee_count,
        country,
        _dq_reason,
        _dq_rule,
        _is_superseded,
        _source_file,
        _source_line,
        _loaded_at
    from resolved
)

select * from final
