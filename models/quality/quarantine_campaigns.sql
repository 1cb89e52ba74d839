-- Every campaign row kept out of the marts, with its reason code and rule.
{{ quarantine_rows('base_marketing__campaigns', 'campaign_id') }}
