-- Salesforce campaigns in the landing contract's shape: the campaign's Type is the lead source
-- it reports under.
{%- set campaign_relation = source('salesforce', 'campaign') %}
with

campaign as (
    {%- if var('salesforce__using_campaign', true) %}
        select * from {{ campaign_relation }}
    {%- else %}
        select * from {{ campaign_relation }}
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
        {{ system_lineage(campaign_relation, 'id', 'campaign') }}
    from campaign
)

select * from final
