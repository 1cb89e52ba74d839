-- Every account row kept out of the marts, with its reason code and rule.
{{ quarantine_rows('base_crm__accounts', 'account_id') }}
