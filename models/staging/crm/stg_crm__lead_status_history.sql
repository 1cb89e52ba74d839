{{ staged_good_rows('base_crm__lead_status_history') }}
