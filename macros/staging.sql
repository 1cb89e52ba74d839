{#- The one staging shape (docs/development.md): per source table, a base model in
    staging/<source>/base/ renames, types, normalises, checks (dq_check_columns) and resolves
    versions (dq_resolve_versions) over every raw row; the stg_ model is then one line,
    `{{ staged_good_rows('base_<source>__<table>') }}`, and the quarantine one line in
    models/quality/ (quarantine_rows). Adding a table means its base model and two one-liners. -#}

{#- The good rows of a base model: every data-quality rule passed, the latest version of each
    key, with every column of the base model but its data-quality flags. -#}
{% macro staged_good_rows(base_model) -%}
    {%- set base = ref(base_model) -%}
    {%- set flags_columns = ['_dq_reason', '_dq_rule', '_is_superseded'] -%}
    {%- set relation = load_relation(base) if execute else none -%}
    {%- set columns = adapter.get_columns_in_relation(relation) if relation is not none else [] -%}
    -- The good rows of {{ base_model }}: every data-quality rule passed, the latest version of
    -- each key.
    with

    {{ base_model }} as (
        select * from {{ base }}
    ),

    final as (
        select
            {%- for column in columns if column.name | lower not in flags_columns %}
            {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
            {%- else %}
            *
            {%- endfor %}
        from {{ base_model }}
        where
            _dq_reason is null
            and not _is_superseded
    )

    select * from final
{%- endmacro %}
