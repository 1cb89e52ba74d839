-- The good rows of base_marketing__campaigns:
-- every data-quality rule passed, the latest version of each key.
with

base_marketing__campaigns as (
    select * from {{ ref('base_marketing__campaigns') }}
),

final as (
    select
        campaign_id,
        campaign_name,
        lead_source,
        channel,
        start_date,
        end_date,
        _source_file,
        _source_line,
        _loaded_at
    from base_marketing__campaigns
    where
        _dq_reason is null
        and not _is_superseded
)

select * from final
