-- Every activity row kept out of the marts, with its reason code and rule.
{{ quarantine_rows(
    'base_marketing__activities', 'activity_id',
    'int_activities_checked', 'lead_id', 'original_lead_id'
) }}
