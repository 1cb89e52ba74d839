-- The good rows of base_marketing__campaign_spend:
-- every data-quality rule passed, the latest version of each key.
with

base_marketing__campaign_spend as (
    select * from {{ ref('base_marketing__campaign_spend') }}
),

final as (
    select
        campaign_spend_id,
        campaign_id,
        spend_date,
        spend_amount,
        _source_file,
        _source_line,
        _loaded_at
    from base_marketing__campaign_spend
    where
        _dq_reason is null
        and not _is_superseded
)

select * from final
