{{ staged_good_rows('base_marketing__activities') }}
