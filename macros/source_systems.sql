{#- Which source systems a build reads, the landing columns, and the vocabulary key
    (docs/sources.md). Apart from macros/sources.sql, which calls them: sqlfluff's jinja
    templater returns a macro's value (dbt's return()) only across macro files. -#}

{#- The systems a build reads besides the landing contract, in the order named. -#}
{% macro source_systems() -%}
    {%- set value = var('lead_funnel_sources', env_var('FUNNEL_SOURCES', '')) -%}
    {%- if value is string -%}
        {%- set names = value.replace('+', ',').replace(' ', ',').lower().split(',') -%}
    {%- else -%}
        {%- set names = value | map('lower') | list -%}
    {%- endif -%}
    {%- set known = system_tables() -%}
    {%- set systems = [] -%}
    {%- for name in names if name not in ('', 'landing') and name not in systems -%}
        {%- if name not in known -%}
            {{ exceptions.raise_compiler_error(
                "lead_funnel_sources / FUNNEL_SOURCES names unknown source system '" ~ name
                ~ "'; known: " ~ known.keys() | join(', ')
                ~ " (the landing contract is always read)"
            ) }}
        {%- endif -%}
        {%- do systems.append(name) -%}
    {%- endfor -%}
    {{ return(systems) }}
{%- endmacro %}

{#- The contract columns of a landing table, from its source declaration (name and data_type,
    in YAML order; not the loader's lineage columns, named _...); empty while dbt parses and in
    a unit test (which has no graph of sources). -#}
{% macro landing_columns(source_name, table_name) -%}
    {%- set columns = [] -%}
    {%- set sources = (graph.get('sources') or {}) if execute else {} -%}
    {%- set node = sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) -%}
    {%- for column in (node.columns.values() if node else [])
        if not column.name.startswith('_') -%}
        {%- do columns.append({'name': column.name, 'data_type': column.data_type}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- A picklist or free-text value as a vocabulary key: lower-case, accents stripped, everything
    but letters and digits removed ('Open - Not Contacted' -> opennotcontacted, 'GOOGLE_CPC' ->
    googlecpc). Seeds and data are compared on this key. -#}
{% macro vocabulary_key(column) -%}
    {{ return(adapter.dispatch('vocabulary_key', 'lead_funnel')(column)) }}
{%- endmacro %}

{% macro default__vocabulary_key(column) -%}
    nullif(regexp_replace(
        translate(lower({{ column }}), 'áàâäãåçéèêëíìîïñóòôöõøúùûüýÿ', 'aaaaaaceeeeiiiinoooooouuuuyy'),
        '[^a-z0-9]+', '', 'g'
    ), '')
{%- endmacro %}

{% macro duckdb__vocabulary_key(column) -%}
    nullif(regexp_replace(strip_accents(lower({{ column }})), '[^a-z0-9]+', '', 'g'), '')
{%- endmacro %}

{% macro spark__vocabulary_key(column) -%}
    nullif(regexp_replace(
        translate(lower({{ column }}), 'áàâäãåçéèêëíìîïñóòôöõøúùûüýÿ', 'aaaaaaceeeeiiiinoooooouuuuyy'),
        '[^a-z0-9]+', ''
    ), '')
{%- endmacro %}

{#- The column names of a relation, lower-case; empty while dbt parses (nothing to ask yet). -#}
{% macro relation_column_names(relation) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do names.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}
