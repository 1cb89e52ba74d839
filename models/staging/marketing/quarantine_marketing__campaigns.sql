-- The rows of base_marketing__campaigns that failed a data-quality rule,
-- with the reason code and the rule that fired.
with

base_marketing__campaigns as (
    select * from {{ ref('base_marketing__campaigns') }}
),

final as (
    select
        _dq_reason,
        _dq_rule,
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
    where _dq_reason is not null
)

select * from final
