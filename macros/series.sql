{#- A portable integer generator: `select series_value from (...)` with the integers
    0 .. upper_bound - 1, built from cross-joined digits (no generate_series, no recursive CTE),
    so it runs unchanged on DuckDB, Postgres and Spark. -#}
{% macro integer_series(upper_bound) -%}
    {%- set ns = namespace(digit_count=1) -%}
    {%- for _ in range(12) -%}
        {%- if 10 ** ns.digit_count < upper_bound -%}
            {%- set ns.digit_count = ns.digit_count + 1 -%}
        {%- endif -%}
    {%- endfor -%}
    select series_value
    from (
        select
            {%- for position in range(ns.digit_count) %}
            digits_{{ position }}.digit * {{ 10 ** position }}{% if not loop.last %} +{% endif %}
            {%- endfor %} as series_value
        from
            {%- for position in range(ns.digit_count) %}
            (
                select 0 as digit
                {%- for digit in range(1, 10) %}
                union all select {{ digit }} as digit
                {%- endfor %}
            ) as digits_{{ position }}{% if not loop.last %}
            cross join{% endif %}
            {%- endfor %}
    ) as series
    where series_value < {{ upper_bound }}
{%- endmacro %}
