-- Every opportunity stage change kept out of the marts, with its reason code and rule.
{{ quarantine_rows(
    'base_crm__opportunity_stage_history', 'stage_change_id',
    'int_opportunity_stage_histories_checked'
) }}
