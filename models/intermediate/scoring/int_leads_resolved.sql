-- The leads that count: surviving (not merged away), not deleted, with a resolved merge chain,
-- created up to the as-of time (a lead created after an explicit as-of did not exist then).
-- One row per person.
with

int_leads_checked as (
    select * from {{ ref('int_leads_checked') }}
),

final as (
    select
        lead_id,
        {{ dbt.hash(dbt.concat(["'" ~ var('email_hash_salt') ~ "'", 'email'])) }} as email_hash,
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
    from int_leads_checked
    where
        _dq_reason is null
        and not is_merged
        and not is_deleted
        and created_at <= {{ as_of_timestamp() }}
)

select * from final
