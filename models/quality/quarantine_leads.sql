-- Every lead row kept out of the marts, with its reason code and rule.
{{ quarantine_rows(
    'base_crm__leads', 'lead_id', 'int_leads_checked', 'lead_id'
) }}
