{#- Data tests of an incremental build look at the rows that build wrote, not at every row.

    dbt renders the `model` of every generic test through get_where_subquery (this override of
    dbt's own adds to its `where` config). A model says what its rows of a build are with
    config meta `incremental_test_scope`:
    - `touched_leads`: lead-keyed incremental models; the rows of the leads in ctl_leads_touched.
    - `loaded_keys`: key-incremental staging; the rows loaded since the previous build's
      watermark and every other row of their keys (meta `incremental_test_key` names the key).
    On a full build (no previous build, --full-refresh, a changed project: ctl_load_window says
    recompute_all), with var test_every_row, and on `dbt test` run on its own (an audit of the
    warehouse as it is) every row is tested. The test of a key or of a relationship stays exact on
    such a subset: a duplicate or an orphan the build could have made involves a row it wrote,
    and every other row passed the same test when its build wrote it. -#}
{% macro get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- do filters.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set scope = incremental_test_filter(relation) -%}
    {%- if scope -%}
        {%- do filters.append(scope) -%}
    {%- endif -%}
    {%- if filters -%}
        {%- do return(
            '(select * from ' ~ relation ~ ' where ' ~ filters | join(' and ') ~ ') dbt_subquery'
        ) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The model the test being compiled reads as `relation`, or none: looked up among the test's
    own dependencies (one or two nodes), not the whole graph, since every test calls this. -#}
{% macro node_of_relation(relation) -%}
    {%- set nodes = graph.get('nodes') or {} -%}
    {%- for unique_id in (model.depends_on or {}).get('nodes', []) -%}
        {%- set node = nodes.get(unique_id) -%}
        {%- if node and node.resource_type == 'model' and node.package_name == project_name
            and (node.alias or node.name) | lower == (relation.identifier or '') | lower
            and node.schema | lower == (relation.schema or '') | lower -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- The predicate that limits a test of `relation` to the rows of this incremental build, or an
    empty string (a full build, or a model without incremental_test_scope). -#}
{% macro incremental_test_filter(relation) -%}
    {%- if not execute or relation is string or relation.identifier is none -%}
        {{ return('') }}
    {%- endif -%}
    {#- Only a build tests what it wrote; `dbt test` on its own (an audit) tests every row, and
        so does a build with var test_every_row. -#}
    {%- if flags.WHICH != 'build' or var('test_every_row', false) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set node = node_of_relation(relation) -%}
    {%- set scope = (node.config.meta or {}).get('incremental_test_scope') if node else none -%}
    {%- if not scope -%}
        {{ return('') }}
    {%- endif -%}
    {%- set window = previous_build_relation('ctl_load_window') -%}
    {%- set touched = previous_build_relation('ctl_leads_touched') -%}
    {%- if window is none or touched is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set state = run_query(
        'select recompute_all, previous_loaded_through from ' ~ window
    ) -%}
    {%- if state.rows | length != 1 or state.rows[0][0] -%}
        {{ return('') }}
    {%- endif -%}
    {%- if scope == 'touched_leads' -%}
        {%- set column = node.config.meta.get('incremental_test_key', 'lead_id') -%}
        {{ return(column ~ ' in (select lead_id from ' ~ touched ~ ')') }}
    {%- elif scope == 'loaded_keys' -%}
        {%- set column = node.config.meta['incremental_test_key'] -%}
        {%- set loaded_since = '_loaded_at > (select previous_loaded_through from '
            ~ window ~ ')' -%}
        {{ return(
            '(' ~ loaded_since ~ ' or ' ~ column ~ ' in (select ' ~ column ~ ' from '
            ~ relation ~ ' where ' ~ loaded_since ~ '))'
        ) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            'incremental_test_scope of ' ~ node.name ~ ' must be touched_leads or loaded_keys, not '
            ~ scope
        ) }}
    {%- endif -%}
{%- endmacro %}
