{#- Engine-specific expressions, dispatched so the models stay portable
    (DuckDB, Postgres, Spark). -#}

{#- Seconds since 1970-01-01 of a UTC timestamp, as a double. -#}
{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'lead_funnel')(ts)) }}
{%- endmacro %}

{% macro default__epoch_seconds(ts) -%}
    cast(extract(epoch from {{ ts }}) as double precision)
{%- endmacro %}

{% macro duckdb__epoch_seconds(ts) -%}
    cast(epoch({{ ts }}) as double)
{%- endmacro %}

{% macro spark__epoch_seconds(ts) -%}
    cast(unix_timestamp({{ ts }}) as double)
{%- endmacro %}

{#- Clamp a numeric expression into [lo, hi]. -#}
{% macro clamp(expr, lo, hi) -%}
    least(greatest({{ expr }}, {{ lo }}), {{ hi }})
{%- endmacro %}

{#- True when `value` is one of the '|'-separated `values_list` (exact, no LIKE wildcards). -#}
{% macro in_pipe_list(value, values_list) -%}
    {{ dbt.position("'|' || " ~ value ~ " || '|'", "'|' || " ~ values_list ~ " || '|'") }} > 0
{%- endmacro %}
