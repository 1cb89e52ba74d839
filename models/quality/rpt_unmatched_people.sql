-- The marketing-automation people the CRM does not have (docs/sources.md, Identity): leads of
-- their own ('marketo:<id>'), with why no CRM lead matched: no_crm_match (no sfdc_lead_id and
-- no CRM lead with the e-mail), ambiguous_email (several CRM leads have it),
-- sfdc_lead_id_not_found (the id names no CRM lead). Nobody is dropped: they are scored and
-- counted like any lead. No rows when Marketo is not read.
with

people as (
    {%- if 'marketo' in source_systems() %}
        select
            'marketo' as source_system,
            lead_id,
            nullif(lower(trim(email)), '') as email,
            created_at,
            identity_note as reason,
            _source_file,
            _source_line
        from {{ ref('src_marketo__leads') }}
        where identity_match = 'none'
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as source_system,
            cast(null as {{ dbt.type_string() }}) as lead_id,
            cast(null as {{ dbt.type_string() }}) as email,
            cast(null as {{ dbt.type_timestamp() }}) as created_at,
            cast(null as {{ dbt.type_string() }}) as reason,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line
        where 1 = 0
    {%- endif %}
),

final as (
    select * from people
)

select * from final
