-- The good rows of base_marketing__activities:
-- every data-quality rule passed, the latest version of each key.
with

base_marketing__activities as (
    select * from {{ ref('base_marketing__activities') }}
),

final as (
    select
        activity_id,
        lead_id,
        activity_type,
        occurred_at,
        campaign_id,
        url,
        _source_file,
        _source_line,
        _loaded_at
    from base_marketing__activities
    where
        _dq_reason is null
        and not _is_superseded
)

select * from final
