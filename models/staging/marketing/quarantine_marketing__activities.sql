-- The rows of base_marketing__activities that failed a data-quality rule,
-- with the reason code and the rule that fired.
with

base_marketing__activities as (
    select * from {{ ref('base_marketing__activities') }}
),

final as (
    select
        _dq_reason,
        _dq_rule,
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
    where _dq_reason is not null
)

select * from final
