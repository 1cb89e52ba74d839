{{ staged_good_rows('base_marketing__campaign_spend') }}
