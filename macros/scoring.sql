{#- Scoring helpers. Everything numeric comes from the seeds in seeds/scoring/. Macros that
    shape the SQL from a seed (one column per category, a CASE per grade band) read it at run
    time; during parsing (and linting) they return an empty shape. -#}

{#- The as-of time of a build: the `as_of` var, or else the latest activity in the data, so the
    same data always scores the same. -#}
{% macro as_of_timestamp() -%}
    {%- if var('as_of', none) -%}
        cast('{{ var("as_of") }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        (select as_of_at from {{ ref('int_as_of') }})
    {%- endif -%}
{%- endmacro %}

{#- The activity categories with their caps, as [{name, min_total, max_total}]. -#}
{% macro scoring_categories() -%}
    {%- if execute -%}
        {%- set rows = run_query(
            "select category, min_total, max_total from " ~ seed_relation('scoring_categories')
            ~ " order by category"
        ) -%}
        {%- set categories = [] -%}
        {%- for row in rows -%}
            {%- do categories.append({'name': row[0], 'min_total': row[1], 'max_total': row[2]}) -%}
        {%- endfor -%}
        {{ return(categories) }}
    {%- else -%}
        {{ return([]) }}
    {%- endif -%}
{%- endmacro %}

{#- A CASE expression that maps a score to its grade for one dimension of grade_bands: the band
    with the highest min_score at or below the score. -#}
{% macro grade_case(dimension, score) -%}
    {%- if execute -%}
        {%- set rows = run_query(
            "select grade, min_score from " ~ seed_relation('grade_bands')
            ~ " where dimension = '" ~ dimension ~ "' order by min_score desc"
        ) -%}
        case
            {%- for row in rows %}
            when {{ score }} >= {{ row[1] }} then '{{ row[0] }}'
            {%- endfor %}
        end
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- The scoring parameters as one row with one column per parameter. -#}
{% macro scoring_parameters_row() -%}
    select
        max(case when parameter = 'half_life_days' then value end) as half_life_days,
        max(case when parameter = 'fit_weight' then value end) as fit_weight,
        max(case when parameter = 'engagement_weight' then value end) as engagement_weight,
        max(case when parameter = 'decay_block_half_lives' then value end)
            as decay_block_half_lives
    from {{ ref('scoring_parameters') }}
{%- endmacro %}

{#- The built relation of a seed, found through the graph rather than ref(): these macros shape
    SQL at compile time, also inside unit tests, where ref() only knows the test's inputs.
    Models that use them declare the dependency with a `-- depends_on:` ref. -#}
{% macro seed_relation(seed_name) -%}
    {%- for node in (graph.get('nodes') or {}).values() -%}
        {%- if node.resource_type == 'seed' and node.name == seed_name -%}
            {{ return(api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias
            )) }}
        {%- endif -%}
    {%- endfor -%}
    {#- Some unit-test contexts carry no graph: seeds live in the `config` schema. -#}
    {{ return(api.Relation.create(
        database=target.database, schema=generate_schema_name('config', none), identifier=seed_name
    )) }}
{%- endmacro %}
