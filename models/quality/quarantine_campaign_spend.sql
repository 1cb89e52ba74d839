-- Every campaign spend row kept out of the marts, with its reason code and rule.
{{ quarantine_rows('base_marketing__campaign_spend', 'campaign_spend_id') }}
