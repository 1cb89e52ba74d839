{{ staged_good_rows('base_crm__opportunities') }}
