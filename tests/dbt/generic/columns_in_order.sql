{#- Stage progression: the timestamp `columns` never run backwards, row by row, wherever two of
    them are present (a missing stage is not an error; a later stage before an earlier one is).
    Returns the offending rows with the pair that breaks the order. `key` names the column that
    identifies a row in the failure output. -#}
{% test columns_in_order(model, columns, key, where=none) %}

    {%- set pairs = [] %}
    {%- for i in range(columns | length) %}
    {%- for j in range(i + 1, columns | length) %}
        {%- do pairs.append((columns[i], columns[j])) %}
    {%- endfor %}
{%- endfor %}

with

rows_to_check as (
    select * from {{ model }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
),

violations as (
{%- for earlier, later in pairs %}
    select
        {{ key }} as failing_key,
        '{{ earlier }} after {{ later }}' as broken_order
    from rows_to_check
    where {{ earlier }} > {{ later }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from violations

{% endtest %}
