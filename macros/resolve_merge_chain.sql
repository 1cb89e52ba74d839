{#- Follows merge pointers (id -> parent) to the record that was not merged, with a fixed number
    of left self-joins instead of a recursive CTE (portable, and bounded). Only the merged
    records take the joins; the others (most of them) are their own survivor.

    `relation` must have one row per id. Renders a select with the columns
    - <id_column>
    - surviving_id: the end of the chain (the id itself when not merged); null when unresolved
    - hop_count: merges followed to get there (0 when not merged); null when unresolved
    - chain_status: not_merged | merged | dangling (points to an id not in the relation) |
      cycle (revisits an id within max_hops + 1 steps, including a self-merge) |
      too_long (still merged after max_hops hops, no repeat seen) -#}
{% macro resolve_merge_chain(relation, id_column, parent_column, max_hops=5) -%}
    {%- set nodes = [] -%}
    {%- for hop in range(max_hops + 1) -%}
        {%- do nodes.append('hop_' ~ hop ~ '.' ~ id_column) -%}
    {%- endfor -%}
    {%- do nodes.append('hop_' ~ max_hops ~ '.' ~ parent_column) -%}
    {#- A chain is a cycle when one of its first max_hops + 2 nodes repeats an earlier one. -#}
    {%- set repeats = [] -%}
    {%- for later in range(1, nodes | length) -%}
        {%- for earlier in range(later) -%}
            {%- do repeats.append(nodes[later] ~ ' = ' ~ nodes[earlier]) -%}
        {%- endfor -%}
    {%- endfor -%}
    select
        hop_0.{{ id_column }},
        case
            {%- for hop in range(1, max_hops + 1) %}
            when hop_{{ hop }}.{{ id_column }} is null then null
            when hop_{{ hop }}.{{ parent_column }} is null then hop_{{ hop }}.{{ id_column }}
            {%- endfor %}
        end as surviving_id,
        case
            {%- for hop in range(1, max_hops + 1) %}
            when hop_{{ hop }}.{{ id_column }} is null then null
            when hop_{{ hop }}.{{ parent_column }} is null then {{ hop }}
            {%- endfor %}
        end as hop_count,
        case
            {%- for hop in range(1, max_hops + 1) %}
            when hop_{{ hop }}.{{ id_column }} is null then 'dangling'
            when hop_{{ hop }}.{{ parent_column }} is null then 'merged'
            {%- endfor %}
            when {{ repeats | join('\n                or ') }}
                then 'cycle'
            else 'too_long'
        end as chain_status
    from (
        select * from {{ relation }}
        where {{ parent_column }} is not null
    ) as hop_0
    {%- for hop in range(1, max_hops + 1) %}
    left join {{ relation }} as hop_{{ hop }}
        on hop_{{ hop - 1 }}.{{ parent_column }} = hop_{{ hop }}.{{ id_column }}
    {%- endfor %}
    {#- Most records were never merged: they skip the joins. #}
    union all
    select
        {{ id_column }},
        {{ id_column }} as surviving_id,
        0 as hop_count,
        'not_merged' as chain_status
    from {{ relation }}
    where {{ parent_column }} is null
{%- endmacro %}
