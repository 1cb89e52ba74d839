{#- Scoring helpers. Everything numeric comes from the seeds in seeds/scoring/. Macros that
    shape the SQL from a seed (one column per category, a CASE per grade band) read it at run
    time; during parsing (and linting) they return an empty shape. -#}

{#- The as-of time of a build: the `as_of` var, or else the latest event of any kind in the data
    (ctl_as_of), so the same data always scores the same. When a model runs and ctl_as_of (built
    earlier in the same build) exists, its value is written into the SQL as a constant: a scalar
    subquery here made DuckDB estimate the activities up to the as-of time at a few dozen rows, so
    it built its hash tables on twenty million activities instead of on the touched leads (an
    incremental int_lead_activity_timeline took 3.8 s instead of 1.7 s at a million leads), and a
    constant also lets the scans skip row groups. A unit test, a parse and a lint keep the
    subquery. -#}
{% macro as_of_timestamp() -%}
    {%- if var('as_of', none) -%}
        cast('{{ var("as_of") }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {%- set relation = ref('ctl_as_of') -%}
        {%- set constant = as_of_constant(relation) -%}
        {%- if constant -%}
            {{ constant }}
        {%- else -%}
            (select as_of_at from {{ relation }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The value of ctl_as_of as a timestamp literal, or an empty string: only while a model (not a
    unit test) runs, and only when the table exists with its one row. -#}
{% macro as_of_constant(relation) -%}
    {%- if not execute or model is not mapping or model.get('resource_type') != 'model' -%}
        {{ return('') }}
    {%- endif -%}
    {%- if relation is string or load_relation(relation) is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set rows = run_query('select as_of_at from ' ~ relation).rows -%}
    {%- if rows | length != 1 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set value = rows[0][0] -%}
    {%- if value is none -%}
        {{ return('cast(null as ' ~ dbt.type_timestamp() ~ ')') }}
    {%- endif -%}
    {%- set text = value.strftime('%Y-%m-%d %H:%M:%S.%f') if value.strftime is defined
        else value | string -%}
    {{ return("cast('" ~ text ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#- True when a scored event meets an MQL definition (DOMAIN.md 3): not blocked, lead score at
    or above the threshold, fit at or above the minimum, and a high-intent action of the same
    epoch within the recency window (at or before the event). `events` qualifies the scored
    event's columns, `definitions` the definition's. Null (not false) when a value is missing:
    callers filter on it or coalesce it. -#}
{% macro mql_eligibility_condition(events, definitions) -%}
    not {{ events }}.is_mql_blocked
    and {{ events }}.lead_score >= {{ definitions }}.score_threshold
    and {{ events }}.fit_score >= {{ definitions }}.min_fit_score
    and {{ events }}.last_high_intent_at is not null
    and {{ epoch_seconds(events ~ '.occurred_at') }}
    - {{ epoch_seconds(events ~ '.last_high_intent_at') }}
    <= {{ definitions }}.high_intent_window_days * 86400.0
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
