-- HubSpot deals in the landing contract's shape (docs/sources.md, HubSpot). The deal's lead is
-- its associated contact (deal_contact; the lowest id when several), its account the
-- associated company (deal_company). The stage is the pipeline stage's label, else the stage
-- id; closed and won are the deal's hs_is_closed and hs_is_closed_won, else the stage's (won;
-- closed when won or its win probability is 0). closed_at is when the deal entered its current
-- stage (deal_stage), else its closedate. The lead source is the portal's own property, else
-- the Original Source. _loaded_at is the latest load of any row the conformed row is made of,
-- so an incremental build sees a deal whose association or stage changed.
{%- set deal_relation = source('hubspot', 'deal') %}
{%- set deal_contact_relation = source('hubspot', 'deal_contact') %}
with

deal as (
    select
        deal_row.deal_id,
        deal_row.deal_pipeline_stage_id,
        deal_row.property_amount,
        deal_row.property_closedate,
        deal_row.property_createdate,
        deal_row.property_hs_lastmodifieddate,
        {{ optional_system_column(
            deal_relation, 'deal_row', 'property_lead_source', dbt.type_string()
        ) }} as property_lead_source,
        deal_row.property_hs_analytics_source,
        deal_row.property_hs_is_closed,
        deal_row.property_hs_is_closed_won,
        deal_row.is_deleted,
        {{ system_lineage(deal_relation, 'deal_id', 'deal_row') }}
    from {{ deal_relation }} as deal_row
),

pipeline_stage as (
    {{ hubspot_pipeline_stages() }}
),

contact_of_deal as (
    select
        deal_id,
        min(contact_id) as contact_id,
        max(_loaded_at) as loaded_at
    from (
        select
            association.deal_id,
            association.contact_id,
            {{ system_lineage(
                deal_contact_relation, ['deal_id', 'contact_id'], 'association'
            ) }}
        from {{ deal_contact_relation }} as association
    ) as associations
    group by deal_id
),

company_of_deal as (
    {%- if var('hubspot__using_deal_company', true) %}
        {%- set deal_company_relation = source('hubspot', 'deal_company') %}
        select
            deal_id,
            min(company_id) as company_id,
            max(_loaded_at) as loaded_at
        from (
            select
                association.deal_id,
                association.company_id,
                {{ system_lineage(
                    deal_company_relation, ['deal_id', 'company_id'], 'association'
                ) }}
            from {{ deal_company_relation }} as association
        ) as associations
        group by deal_id
    {%- else %}
        select
            cast(null as {{ dbt.type_bigint() }}) as deal_id,
            cast(null as {{ dbt.type_bigint() }}) as company_id,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at
        where 1 = 0
    {%- endif %}
),

entered_stage as (
    {%- if var('hubspot__using_deal_stage', true) %}
        select
            deal_id,
            value as stage_id,
            min(date_entered) as entered_at,
            max(_loaded_at) as loaded_at
        from (
            select
                stage_row.deal_id,
                stage_row.value,
                stage_row.date_entered,
                {{ system_lineage(source('hubspot', 'deal_stage'), 'deal_id', 'stage_row') }}
            from {{ source('hubspot', 'deal_stage') }} as stage_row
        ) as stage_entries
        group by deal_id, value
    {%- else %}
        select
            cast(null as {{ dbt.type_bigint() }}) as deal_id,
            cast(null as {{ dbt.type_string() }}) as stage_id,
            cast(null as {{ dbt.type_timestamp() }}) as entered_at,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at
        where 1 = 0
    {%- endif %}
),

conformed as (
    select
        deal.*,
        coalesce(deal.property_hs_is_closed, pipeline_stage.is_closed) as deal_is_closed,
        coalesce(deal.property_hs_is_closed_won, pipeline_stage.is_won) as deal_is_won,
        coalesce(pipeline_stage.label, deal.deal_pipeline_stage_id) as stage_name,
        contact_of_deal.contact_id,
        contact_of_deal.loaded_at as contact_loaded_at,
        company_of_deal.company_id,
        company_of_deal.loaded_at as company_loaded_at,
        entered_stage.entered_at,
        entered_stage.loaded_at as stage_loaded_at,
        pipeline_stage.loaded_at as pipeline_loaded_at
    from deal
    left join pipeline_stage
        on deal.deal_pipeline_stage_id = pipeline_stage.stage_id
    left join contact_of_deal
        on deal.deal_id = contact_of_deal.deal_id
    left join company_of_deal
        on deal.deal_id = company_of_deal.deal_id
    left join entered_stage
        on
            deal.deal_id = entered_stage.deal_id
            and deal.deal_pipeline_stage_id = entered_stage.stage_id
),

final as (
    select
        cast(deal_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(contact_id as {{ dbt.type_string() }}) as lead_id,
        cast(company_id as {{ dbt.type_string() }}) as account_id,
        property_createdate as created_at,
        stage_name,
        property_amount as amount,
        deal_is_closed as is_closed,
        deal_is_won as is_won,
        case
            when deal_is_closed then coalesce(entered_at, property_closedate)
        end as closed_at,
        coalesce(nullif(trim(property_lead_source), ''), property_hs_analytics_source)
            as lead_source,
        property_hs_lastmodifieddate as updated_at,
        'deal' as _source_table,
        case when is_deleted then 'deleted_in_source' end as _excluded_reason,
        _source_file,
        _source_line,
        greatest(
            _loaded_at,
            coalesce(contact_loaded_at, _loaded_at),
            coalesce(company_loaded_at, _loaded_at),
            coalesce(stage_loaded_at, _loaded_at),
            coalesce(pipeline_loaded_at, _loaded_at)
        ) as _loaded_at
    from conformed
)

select * from final
