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

{#- The median of a numeric expression, as an aggregate. -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'lead_funnel')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__median(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- Days from one timestamp to another, with the fraction (dbt.datediff counts boundaries). -#}
{% macro days_between(start_ts, end_ts) -%}
    ({{ epoch_seconds(end_ts) }} - {{ epoch_seconds(start_ts) }}) / 86400.0
{%- endmacro %}

{#- A score rounded to 1e-9 of a point, as a double, on every engine (DOMAIN.md 5, band edges).
    The decayed sums are exact to about 1e-12 of a point (anchored integer sums, powers of two),
    and on PostgreSQL a float->numeric cast keeps 15 digits: without this, a single 25-point
    activity at its own time scores 24.999999999999996 and grades below the 25 edge. A value the
    rules make exact in decimal (25, 50, 65, 70) is therefore exactly that, and a real decayed
    value moves by less than 5e-10, far below what the second-resolution timestamps can show
    (one second of decay moves a 25-point activity by 7e-6). -#}
{% macro exact_score(expr) -%}
    {{ return(adapter.dispatch('exact_score', 'lead_funnel')(expr)) }}
{%- endmacro %}

{% macro default__exact_score(expr) -%}
    cast(round(cast({{ expr }} as numeric), 9) as double precision)
{%- endmacro %}

{% macro duckdb__exact_score(expr) -%}
    round({{ expr }}, 9)
{%- endmacro %}

{% macro spark__exact_score(expr) -%}
    cast(round(cast({{ expr }} as decimal(38, 18)), 9) as double)
{%- endmacro %}
