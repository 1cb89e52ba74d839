-- Marketo people in the landing contract's shape, each a lead 'marketo:<id>' (docs/sources.md,
-- Identity). A person the CRM also has is that CRM lead: the Marketo lead is merged into it, so
-- its activities follow it like those of any merged lead. The CRM lead is the one the person's
-- sfdc_lead_id names, else the one CRM lead (not merged, not deleted) with the same e-mail
-- (lower-case, trimmed); the CRM leads are the landing contract's and, when read, Salesforce's
-- and HubSpot's (a HubSpot contact is matched by e-mail: sfdc_lead_id names Salesforce leads).
-- A person with no CRM match stays a lead of its own, or is merged into the Marketo lead a
-- Merge Leads activity merged it into; a person with a Delete Lead activity is deleted. Its
-- account is the CRM account Marketo syncs (sfdc_account_id). identity_match says which rule
-- held (sfdc_lead_id, email, none; no_crm when no CRM lead is read at all) and identity_note
-- why none did (quality.rpt_unmatched_people lists them). A CRM lead is matched as it is now
-- (its latest version). _loaded_at is the latest load of the person, of the CRM lead it names
-- and of every CRM lead that has or had its e-mail, so a person whose match a later delivery
-- makes, changes or breaks is staged again.
{%- set lead_relation = source('marketo', 'lead') %}
with

person as (
    select
        marketo_lead.id,
        marketo_lead.email,
        marketo_lead.company,
        marketo_lead.title,
        marketo_lead.industry,
        marketo_lead.number_of_employees,
        marketo_lead.annual_revenue,
        marketo_lead.country,
        marketo_lead.lead_source,
        marketo_lead.created_at,
        marketo_lead.updated_at,
        nullif(trim(marketo_lead.sfdc_account_id), '') as account_id,
        'marketo:' || cast(marketo_lead.id as {{ dbt.type_string() }}) as person_id,
        {{ staged_value('lower', 'marketo_lead.email') }} as email_key,
        nullif(trim(marketo_lead.sfdc_lead_id), '') as crm_lead_id,
        {{ system_lineage(lead_relation, 'id', 'marketo_lead') }}
    from {{ lead_relation }} as marketo_lead
),

crm_lead as (
    select
        nullif(trim(crm.lead_id), '') as lead_id,
        {{ staged_value('lower', 'crm.email') }} as email_key,
        crm.merged_into_lead_id is null and not coalesce(crm.is_deleted, false) as is_current,
        crm.updated_at,
        crm._loaded_at
    from {{ source('crm', 'leads') }} as crm
    {%- if 'salesforce' in source_systems() %}
        {%- set salesforce_leads = source('salesforce', 'lead') %}
        union all
        select
            nullif(trim(salesforce_lead.id), '') as lead_id,
            {{ staged_value('lower', 'salesforce_lead.email') }} as email_key,
            salesforce_lead.master_record_id is null
            and not coalesce(salesforce_lead.is_deleted, false) as is_current,
            salesforce_lead.last_modified_date as updated_at,
            salesforce_lead._loaded_at
        from (
            select
                crm.id,
                crm.email,
                crm.master_record_id,
                crm.is_deleted,
                crm.last_modified_date,
                {{ system_lineage(salesforce_leads, 'id', 'crm') }}
            from {{ salesforce_leads }} as crm
        ) as salesforce_lead
    {%- endif %}
    {%- if 'hubspot' in source_systems() %}
        union all
        select
            hubspot_contact.lead_id,
            {{ staged_value('lower', 'hubspot_contact.email') }} as email_key,
            hubspot_contact.merged_into_lead_id is null
            and not hubspot_contact.is_deleted as is_current,
            hubspot_contact.updated_at,
            hubspot_contact._loaded_at
        from {{ ref('src_hubspot__leads') }} as hubspot_contact
    {%- endif %}
),

{# A CRM lead as it is now: its latest version (each system delivers every version of a lead
    as a row; the later update wins), with the latest load of any of its versions. #}
crm_lead_now as (
    select
        lead_id,
        email_key,
        is_current,
        lead_loaded_at
    from (
        select
            lead_id,
            email_key,
            is_current,
            max(_loaded_at) over (partition by lead_id) as lead_loaded_at,
            row_number() over (
                partition by lead_id order by updated_at desc nulls last, _loaded_at desc
            ) as version_rank
        from crm_lead
        where lead_id is not null
    ) as versions
    where version_rank = 1
),

{# Per e-mail, the latest load of any CRM lead that has or ever had it: a person whose match
    a CRM lead's new version makes or breaks (its e-mail changed, it was merged) is staged
    again. #}
crm_email_loads as (
    select
        email_history.email_key,
        max(crm_lead_now.lead_loaded_at) as loaded_at
    from (
        select distinct
            email_key,
            lead_id
        from crm_lead
        where email_key is not null and lead_id is not null
    ) as email_history
    inner join crm_lead_now
        on email_history.lead_id = crm_lead_now.lead_id
    group by email_history.email_key
),

crm_lead_by_id as (
    select
        lead_id,
        lead_loaded_at as loaded_at
    from crm_lead_now
),

crm_lead_by_email as (
    select
        email_key,
        min(lead_id) as lead_id,
        count(distinct lead_id) as lead_count,
        max(lead_loaded_at) as loaded_at
    from crm_lead_now
    where is_current and email_key is not null
    group by email_key
),

merge_activity as (
    {%- if var('marketo__using_activity_merge_leads', true) %}
        {%- set merges_relation = source('marketo', 'activity_merge_leads') %}
        select
            merge_row.lead_id,
            merge_row.merge_ids,
            {{ system_lineage(merges_relation, 'id', 'merge_row') }}
        from {{ merges_relation }} as merge_row
    {%- else %}
        select
            cast(null as {{ dbt.type_bigint() }}) as lead_id,
            cast(null as {{ dbt.type_string() }}) as merge_ids,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at
        where 1 = 0
    {%- endif %}
),

lead_deletions as (
    {%- if var('marketo__using_activity_delete_lead', true) %}
        {%- set deletes_relation = source('marketo', 'activity_delete_lead') %}
        select
            cast(deletion.lead_id as {{ dbt.type_string() }}) as person_number,
            max(deletion.activity_date) as deleted_at,
            max(deletion._loaded_at) as loaded_at
        from (
            select
                delete_row.lead_id,
                delete_row.activity_date,
                {{ system_lineage(deletes_relation, 'id', 'delete_row') }}
            from {{ deletes_relation }} as delete_row
        ) as deletion
        group by deletion.lead_id
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as person_number,
            cast(null as {{ dbt.type_timestamp() }}) as deleted_at,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at
        where 1 = 0
    {%- endif %}
),

crm_lead_count as (
    select count(*) as crm_leads from crm_lead
),

lead_merges as (
    {#- merge_ids lists the merged (losing) ids, comma-separated; the first five are read. #}
    select
        loser_id,
        max(winner_id) as winner_id,
        max(_loaded_at) as loaded_at
    from (
        {%- for position in range(1, 6) %}
            select
                trim({{ dbt.split_part('merge_ids', "','", position) }}) as loser_id,
                cast(lead_id as {{ dbt.type_string() }}) as winner_id,
                _loaded_at
            from merge_activity
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    ) as merged
    where loser_id is not null and loser_id <> ''
    group by loser_id
),

matched as (
    select
        person.*,
        case
            when by_id.lead_id is not null then by_id.lead_id
            when by_email.lead_count = 1 then by_email.lead_id
        end as matched_lead_id,
        case
            when by_id.lead_id is not null then 'sfdc_lead_id'
            when by_email.lead_count = 1 then 'email'
            when crm_lead_count.crm_leads = 0 then 'no_crm'
            else 'none'
        end as identity_match,
        case
            when by_id.lead_id is not null or by_email.lead_count = 1 then null
            when crm_lead_count.crm_leads = 0 then null
            when person.crm_lead_id is not null and by_email.lead_count is null
                then 'sfdc_lead_id_not_found'
            when by_email.lead_count > 1 then 'ambiguous_email'
            else 'no_crm_match'
        end as identity_note,
        greatest(
            person._loaded_at,
            coalesce(by_id.loaded_at, person._loaded_at),
            coalesce(by_email.loaded_at, person._loaded_at),
            coalesce(email_loads.loaded_at, person._loaded_at),
            coalesce(lead_merges.loaded_at, person._loaded_at),
            coalesce(lead_deletions.loaded_at, person._loaded_at)
        ) as matched_loaded_at,
        lead_merges.winner_id,
        lead_deletions.deleted_at
    from person
    cross join crm_lead_count
    left join crm_lead_by_id as by_id
        on person.crm_lead_id = by_id.lead_id
    left join crm_lead_by_email as by_email
        on person.email_key = by_email.email_key
    left join crm_email_loads as email_loads
        on person.email_key = email_loads.email_key
    left join lead_merges
        on cast(person.id as {{ dbt.type_string() }}) = lead_merges.loser_id
    left join lead_deletions
        on cast(person.id as {{ dbt.type_string() }}) = lead_deletions.person_number
),

final as (
    select
        person_id as lead_id,
        email,
        company as company_name,
        account_id,
        title as job_title,
        industry,
        number_of_employees as employee_count,
        annual_revenue,
        country,
        lead_source,
        created_at,
        updated_at,
        coalesce(matched_lead_id, 'marketo:' || winner_id) as merged_into_lead_id,
        deleted_at is not null as is_deleted,
        identity_match,
        identity_note,
        'lead' as _source_table,
        cast(null as {{ dbt.type_string() }}) as _excluded_reason,
        _source_file,
        _source_line,
        matched_loaded_at as _loaded_at
    from matched
)

select * from final
