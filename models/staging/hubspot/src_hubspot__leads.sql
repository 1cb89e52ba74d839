-- HubSpot contacts in the landing contract's shape (docs/sources.md, HubSpot). A contact is a
-- lead; the lead id is the contact id as text. A merged contact (contact_merge_audit's
-- vid_to_merge, which HubSpot removes) is merged into the canonical contact, not deleted.
-- numemployees is a number or a range of HubSpot's picklist ('25-50' gives 25, '1000+' 1000).
-- The lead source is the portal's own lead source property, else the Original Source
-- (hs_analytics_source). _loaded_at is the latest load of the contact and of its merge, so an
-- incremental build sees a merge that arrives after the contact.
{%- set contact_relation = source('hubspot', 'contact') %}
{%- set ts = adapter.quote('timestamp') %}
with

contact as (
    select
        contact_row.id,
        contact_row.property_email,
        contact_row.property_company,
        contact_row.property_associatedcompanyid,
        contact_row.property_jobtitle,
        contact_row.property_industry,
        contact_row.property_numemployees,
        contact_row.property_annualrevenue,
        contact_row.property_country,
        {{ optional_system_column(
            contact_relation, 'contact_row', 'property_lead_source', dbt.type_string()
        ) }} as property_lead_source,
        contact_row.property_hs_analytics_source,
        contact_row.property_createdate,
        contact_row.property_lastmodifieddate,
        contact_row._fivetran_deleted,
        {{ system_lineage(contact_relation, 'id', 'contact_row') }}
    from {{ contact_relation }} as contact_row
),

merge_audit as (
    {%- if var('hubspot__using_contact_merge_audit', true) %}
        {%- set audit_relation = source('hubspot', 'contact_merge_audit') %}
        select
            merged_contact_id,
            canonical_contact_id,
            loaded_at
        from (
            select
                merge_rows.vid_to_merge as merged_contact_id,
                merge_rows.canonical_contact_id,
                merge_rows._loaded_at as loaded_at,
                row_number() over (
                    partition by merge_rows.vid_to_merge
                    order by
                        merge_rows.merged_at desc nulls last,
                        merge_rows.canonical_contact_id desc
                ) as merge_rank
            from (
                select
                    merge_row.vid_to_merge,
                    merge_row.canonical_vid,
                    merge_row.contact_id,
                    coalesce(merge_row.canonical_vid, merge_row.contact_id)
                        as canonical_contact_id,
                    merge_row.{{ ts }} as merged_at,
                    {{ system_lineage(audit_relation, 'vid_to_merge', 'merge_row') }}
                from {{ audit_relation }} as merge_row
            ) as merge_rows
        ) as ranked
        where merge_rank = 1
    {%- else %}
        select
            cast(null as {{ dbt.type_bigint() }}) as merged_contact_id,
            cast(null as {{ dbt.type_bigint() }}) as canonical_contact_id,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at
        where 1 = 0
    {%- endif %}
),

final as (
    select
        cast(contact.id as {{ dbt.type_string() }}) as lead_id,
        contact.property_email as email,
        contact.property_company as company_name,
        cast(contact.property_associatedcompanyid as {{ dbt.type_string() }}) as account_id,
        contact.property_jobtitle as job_title,
        contact.property_industry as industry,
        {{ hubspot_employee_count('contact.property_numemployees') }} as employee_count,
        contact.property_numemployees as employee_count_as_delivered,
        contact.property_annualrevenue as annual_revenue,
        contact.property_country as country,
        coalesce(
            nullif(trim(contact.property_lead_source), ''), contact.property_hs_analytics_source
        ) as lead_source,
        contact.property_createdate as created_at,
        contact.property_lastmodifieddate as updated_at,
        cast(merge_audit.canonical_contact_id as {{ dbt.type_string() }}) as merged_into_lead_id,
        coalesce(contact._fivetran_deleted, false)
        and merge_audit.canonical_contact_id is null as is_deleted,
        'contact' as _source_table,
        cast(null as {{ dbt.type_string() }}) as _excluded_reason,
        contact._source_file,
        contact._source_line,
        greatest(
            contact._loaded_at, coalesce(merge_audit.loaded_at, contact._loaded_at)
        ) as _loaded_at
    from contact
    left join merge_audit
        on contact.id = merge_audit.merged_contact_id
)

select * from final
