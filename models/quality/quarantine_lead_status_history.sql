-- Every lead status change kept out of the marts, with its reason code and rule.
{{ quarantine_rows(
    'base_crm__lead_status_history', 'status_change_id',
    'int_lead_status_changes_checked', 'lead_id', 'original_lead_id'
) }}
