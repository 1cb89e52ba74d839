-- Salesforce accounts in the landing contract's shape: the domain is the Website without its
-- scheme, www. and path. Deleted accounts are kept with _excluded_reason deleted_in_source.
{%- set account_relation = source('salesforce', 'account') %}
with

account as (
    select * from {{ account_relation }}
),

final as (
    select
        account.id as account_id,
        account.name,
        {{ dbt.split_part(
            "regexp_replace(lower(trim(account.website)), '^(https?://)?(www[.])?', '')", "'/'", 1
        ) }} as domain,  -- noqa: RF04
        account.industry,
        account.number_of_employees as employee_count,
        account.billing_country as country,
        'account' as _source_table,
        case when account.is_deleted then 'deleted_in_source' end as _excluded_reason,
        {{ system_lineage(account_relation, 'id', 'account') }}
    from account
)

select * from final
