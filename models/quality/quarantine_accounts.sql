-- Every account row kept out of the marts, with its reason code and rule.
{{ quarantine_rows('quarantine_crm__accounts', 'account_id') }}
