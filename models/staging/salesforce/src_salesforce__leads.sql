-- Salesforce leads in the landing contract's shape (docs/sources.md). A merged lead is merged,
-- not deleted: Salesforce deletes the loser of a merge and points its MasterRecordId at the
-- winner. The lead's account is the column var salesforce__lead_account_column names
-- (default converted_account_id; a lead-to-account matching field where one is synced).
{%- set lead_relation = source('salesforce', 'lead') %}
with

lead as (
    select * from {{ lead_relation }}
),

final as (
    select
        lead.id as lead_id,
        lead.email,
        lead.company as company_name,
        lead.{{ var('salesforce__lead_account_column', 'converted_account_id') }} as account_id,
        lead.title as job_title,
        lead.industry,
        lead.number_of_employees as employee_count,
        lead.annual_revenue,
        lead.country,
        lead.lead_source,
        lead.created_date as created_at,
        lead.last_modified_date as updated_at,
        lead.master_record_id as merged_into_lead_id,
        coalesce(lead.is_deleted, false) and lead.master_record_id is null as is_deleted,
        'lead' as _source_table,
        cast(null as {{ dbt.type_string() }}) as _excluded_reason,
        {{ system_lineage(lead_relation, 'id', 'lead') }}
    from lead
)

select * from final
