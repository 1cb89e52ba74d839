-- The leads that count: surviving (not merged away), not deleted. One row per person.
with

stg_crm__leads as (
    select * from {{ ref('stg_crm__leads') }}
),

final as (
    select
        lead_id,
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
        updated_at
    from stg_crm__leads
    where not is_merged and not is_deleted
)

select * from final
