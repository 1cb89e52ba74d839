{%- set content_columns = [
    'campaign_id', 'campaign_name', 'lead_source', 'start_date', 'end_date',
] -%}

{%- set checks = [
    {'reason': 'null_key', 'rule': 'campaign_id_not_null', 'condition': 'campaign_id is null'},
] -%}

with

source as (
    select * from {{ source('marketing', 'campaigns') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
),

renamed as (
    select
        nullif(trim(campaign_id), '') as campaign_id,
        nullif(trim(name), '') as campaign_name,
        nullif(trim(lead_source), '') as lead_source,
        cast(started_on as date) as start_date,
        cast(ended_on as date) as end_date,
        _source_file,
        _source_line,
        _loaded_at
    from source
),

enriched as (
    select
        renamed.*,
        coalesce(channel_mapping.channel, 'other') as channel
    from renamed
    left join channel_mapping
        on lower(renamed.lead_source) = channel_mapping.lead_source
),

checked as (
    select
        *,
        {{ dq_check_columns(checks) }}
    from enriched
),

resolved as (
    {{ dq_resolve_versions(
        'checked', key_columns=['campaign_id'], version_columns=['_loaded_at'],
        content_columns=content_columns
    ) }}
),

final as (
    select
        campaign_id,
        campaign_name,
        lead_source,
        channel,
        start_date,
        end_date,
        _dq_reason,
        _dq_rule,
        _is_superseded,
        _source_file,
        _source_line,
        _loaded_at
    from resolved
)

select * from final
