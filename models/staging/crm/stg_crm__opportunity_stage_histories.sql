{{ staged_good_rows('base_crm__opportunity_stage_history') }}
