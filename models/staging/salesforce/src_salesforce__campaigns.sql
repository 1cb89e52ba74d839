-- Salesforce campaigns in the landing contract's shape: the campaign's Type is the lead source
-- it reports under.
with

campaign as (
    {%- if var('salesforce__using_campaign', true) %}
        {%- set campaign_relation = source('salesforce', 'campaign') %}
        select
            campaign_row.id,
            campaign_row.name,
            campaign_row.type,
            campaign_row.start_date,
            campaign_row.end_date,
            campaign_row.is_deleted,
            {{ system_lineage(campaign_relation, 'id', 'campaign_row') }}
        from {{ campaign_relation }} as campaign_row
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as id,
            cast(null as {{ dbt.type_string() }}) as name,  -- noqa: RF04
            cast(null as {{ dbt.type_string() }}) as type,  -- noqa: RF04
            cast(null as date) as start_date,
            cast(null as date) as end_date,
            cast(null as {{ dbt.type_boolean() }}) as is_deleted,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at
        where 1 = 0
    {%- endif %}
),

final as (
    select
        campaign.id as campaign_id,
        campaign.name,
        campaign.type as lead_source,
        campaign.start_date as started_on,
        campaign.end_date as ended_on,
        'campaign' as _source_table,
        case when campaign.is_deleted then 'deleted_in_source' end as _excluded_reason,
        campaign._source_file,
        campaign._source_line,
        campaign._loaded_at
    from campaign
)

select * from final
