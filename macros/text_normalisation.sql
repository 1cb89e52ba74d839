{#- Text normalisation that needs regular expressions. Regular expression functions differ by
    engine (Postgres and DuckDB need the 'g' flag to replace every match, Spark replaces every
    match and takes no flag), so each macro dispatches: default__ is the Postgres form. -#}

{#- snake_case(column): lower, trim, every run of non-alphanumerics -> '_', no leading or
    trailing '_'. 'Financial Services' -> financial_services, 'Health & Wellness' ->
    health_wellness. -#}
{% macro snake_case(column) -%}
    {{ return(adapter.dispatch('snake_case', 'lead_funnel')(column)) }}
{%- endmacro %}

{% macro default__snake_case(column) -%}
    trim(both '_' from regexp_replace(lower(trim({{ column }})), '[^a-z0-9]+', '_', 'g'))
{%- endmacro %}

{% macro duckdb__snake_case(column) -%}
    trim(regexp_replace(lower(trim({{ column }})), '[^a-z0-9]+', '_', 'g'), '_')
{%- endmacro %}

{% macro spark__snake_case(column) -%}
    trim(both '_' from regexp_replace(lower(trim({{ column }})), '[^a-z0-9]+', '_'))
{%- endmacro %}

{#- padded_words(column): lower-case words separated by single spaces with a space on each side
    (' ceo founder '), so that `like '% cto %'` matches the word cto and not 'director'. -#}
{% macro padded_words(column) -%}
    {{ return(adapter.dispatch('padded_words', 'lead_funnel')(column)) }}
{%- endmacro %}

{% macro default__padded_words(column) -%}
    {%- set words = "regexp_replace(lower(" ~ column ~ "), '[^a-z0-9]+', ' ', 'g')" -%}
    {{ dbt.concat(["' '", words, "' '"]) }}
{%- endmacro %}

{% macro duckdb__padded_words(column) -%}
    {%- set words = "regexp_replace(lower(" ~ column ~ "), '[^a-z0-9]+', ' ', 'g')" -%}
    {{ dbt.concat(["' '", words, "' '"]) }}
{%- endmacro %}

{% macro spark__padded_words(column) -%}
    {%- set words = "regexp_replace(lower(" ~ column ~ "), '[^a-z0-9]+', ' ')" -%}
    {{ dbt.concat(["' '", words, "' '"]) }}
{%- endmacro %}
