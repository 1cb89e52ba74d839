-- The rows of base_marketing__campaign_spend that failed a data-quality rule,
-- with the reason code and the rule that fired.
with

base_marketing__campaign_spend as (
    select * from {{ ref('base_marketing__campaign_spend') }}
),

final as (
    select
        _dq_reason,
        _dq_rule,
        campaign_spend_id,
        campaign_id,
        spend_date,
        spend_amount,
        _source_file,
        _source_line,
        _loaded_at
    from base_marketing__campaign_spend
    where _dq_reason is not null
)

select * from final
