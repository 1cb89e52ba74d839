-- How much of each source system the vocabularies miss (docs/data-quality.md, Unmapped values):
-- per source system, the share of its current leads in channel 'other' (their lead source is
-- unmapped or missing) and the share of its activities quarantined for an unknown activity type.
-- Two warning tests compare them with the vars unmapped_channel_share_warn and
-- unknown_activity_type_share_warn, so a source that falls into 'other' is never silent.
with

-- The current good leads: staged, not merged into another lead, not deleted. stg_crm__leads
-- does not carry source_system: its base row (the same raw file and line) does.
current_leads as (
    select
        base_crm__leads.source_system,
        count(*) as current_leads,
        count(case when stg_crm__leads.channel = 'other' then 1 end) as other_channel_leads
    from {{ ref('stg_crm__leads') }} as stg_crm__leads
    inner join {{ ref('base_crm__leads') }} as base_crm__leads
        on
            stg_crm__leads.lead_id = base_crm__leads.lead_id
            and stg_crm__leads._source_file = base_crm__leads._source_file
            and stg_crm__leads._source_line = base_crm__leads._source_line
    where
        not stg_crm__leads.is_merged
        and not stg_crm__leads.is_deleted
    group by base_crm__leads.source_system
),

-- The activities staging accepts but for their type: the latest version, no data-quality
-- reason or only unknown_activity_type.
typed_activities as (
    select
        source_system,
        count(*) as activities,
        count(case when _dq_reason = 'unknown_activity_type' then 1 end)
            as unknown_type_activities
    from {{ ref('base_marketing__activities') }}
    where
        not _is_superseded
        and (_dq_reason is null or _dq_reason = 'unknown_activity_type')
    group by source_system
),

final as (
    select
        coalesce(current_leads.source_system, typed_activities.source_system) as source_system,
        cast(coalesce(current_leads.current_leads, 0) as {{ dbt.type_bigint() }})
            as current_leads,
        cast(coalesce(current_leads.other_channel_leads, 0) as {{ dbt.type_bigint() }})
            as other_channel_leads,
        cast(current_leads.other_channel_leads as double precision)
        / nullif(current_leads.current_leads, 0) as other_channel_share,
        cast(coalesce(typed_activities.activities, 0) as {{ dbt.type_bigint() }}) as activities,
        cast(coalesce(typed_activities.unknown_type_activities, 0) as {{ dbt.type_bigint() }})
            as unknown_type_activities,
        cast(typed_activities.unknown_type_activities as double precision)
        / nullif(typed_activities.activities, 0) as unknown_activity_type_share
    from current_leads
    full outer join typed_activities
        on current_leads.source_system = typed_activities.source_system
)

select * from final
