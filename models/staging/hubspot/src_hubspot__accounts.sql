-- HubSpot companies as landing-contract accounts: the domain without a scheme, www. or path.
-- Deleted companies are kept with _excluded_reason deleted_in_source.
{%- set company_relation = source('hubspot', 'company') %}
with

company as (
    select
        company_row.*,
        {{ dbt.split_part(
            "regexp_replace(lower(trim(company_row.property_domain)), '^(https?://)?(www[.])?', '')",
            "'/'", 1
        ) }} as company_domain
    from {{ company_relation }} as company_row
),

final as (
    select
        cast(company.id as {{ dbt.type_string() }}) as account_id,
        company.property_name as name,  -- noqa: RF04
        company.company_domain as domain,  -- noqa: RF04
        company.property_industry as industry,
        company.property_numberofemployees as employee_count,
        company.property_country as country,
        'company' as _source_table,
        case when company.is_deleted then 'deleted_in_source' end as _excluded_reason,
        {{ system_lineage(company_relation, 'id', 'company') }}
    from company
)

select * from final
