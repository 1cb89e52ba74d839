-- The rows of base_crm__leads that failed a data-quality rule,
-- with the reason code and the rule that fired.
with

base_crm__leads as (
    select * from {{ ref('base_crm__leads') }}
),

final as (
    select
        _dq_reason,
        _dq_rule,
        lead_id,
        email,
        email_domain,
        email_domain_type,
        company_name,
        account_id,
        job_title,
        seniority,
        persona,
        industry,
        employee_count,
        annual_revenue,
        country,
        lead_source,
        channel,
        created_at,
        updated_at,
        merged_into_lead_id,
        is_deleted,
        _source_file,
        _source_line,
        _loaded_at
    from base_crm__leads
    where _dq_reason is not null
)

select * from final
