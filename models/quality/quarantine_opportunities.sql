-- Every opportunity row kept out of the marts, with its reason code and rule.
{{ quarantine_rows(
    'base_crm__opportunities', 'opportunity_id',
    'int_opportunities_checked', 'lead_id'
) }}
