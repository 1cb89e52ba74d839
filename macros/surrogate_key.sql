{#- A portable surrogate key: md5 over the '|'-joined string forms of the columns, with nulls
    replaced by a sentinel so that (null, 'a') and ('a', null) hash differently. Built only from
    dbt's cross-database macros (cast, concat, hash), so it runs on DuckDB, Postgres and Spark. -#}
{% macro surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append(
            "coalesce(" ~ (dbt.cast(column, dbt.type_string()) | trim) ~ ", '_null_')"
        ) -%}
        {%- if not loop.last -%}
            {%- do parts.append("'|'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
