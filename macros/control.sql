{#- The control layer (models/control/, schema control): the incremental state of the build.

    Two tables carry state from one build to the next; neither is a model, so no model waits
    on them and none has to be ordered after the marts by a fake ref:
    - control.build_watermark (one row): raw rows loaded up to loaded_through are in the
      lead-keyed models, scored as of as_of_at, by the project whose fingerprint this is;
    - control.build_lead_survivors (lead_id): the merge resolution those models were built with.
    The on-run-end hook record_build_state writes both from this build's ctl_load_window,
    ctl_as_of and int_leads_checked, and only when every node of the build succeeded: a build
    in which any model or error-severity test fails (or that is killed) leaves the previous
    state, and the next build redoes its leads. The models read the previous state through
    build_state_relation; staging reads it through the two expressions below, so staging reads
    no model at all. -#}

{% macro control_schema() -%}
    {{ return(generate_schema_name('control', none) | trim) }}
{%- endmacro %}

{#- The relation of state table `name` the previous build left, or none (no build yet). -#}
{% macro build_state_relation(name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=target.database, schema=control_schema(), identifier=name
    )) }}
{%- endmacro %}

{#- SQL for the previous build's loaded_through (null when everything is recomputed). -#}
{% macro previous_loaded_through() -%}
    {%- set previous = build_state_relation('build_watermark') -%}
    {%- if previous is none or flags.FULL_REFRESH -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- else -%}
        (select max(loaded_through) from {{ previous }})
    {%- endif -%}
{%- endmacro %}

{#- SQL, true when this build recomputes everything: no previous build, --full-refresh, or the
    project (models, seeds, vars) changed since the previous build. -#}
{% macro recompute_all() -%}
    {%- set previous = build_state_relation('build_watermark') -%}
    {%- if previous is none or flags.FULL_REFRESH -%}
        true
    {%- else -%}
        coalesce((
            select
                max(loaded_through) is null
                or max(as_of_at) is null
                or max(fingerprint) <> '{{ incremental_fingerprint() }}'
            from {{ previous }}
        ), true)
    {%- endif -%}
{%- endmacro %}

{#- The on-run-end hook (dbt_project.yml): records the state this build leads to, when the
    build (or run) built the control models and every incremental model (the watermark covers
    every raw table, so a run that left one out must not pass rows it has not seen) and nothing
    failed. -#}
{% macro record_build_state(results) -%}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set bad = ['error', 'fail', 'skipped', 'runtime error'] -%}
    {%- set failed = results | selectattr('status', 'in', bad) | list -%}
    {%- set built = results | map(attribute='node') | map(attribute='name') | list -%}
    {%- set needed = ['ctl_load_window', 'ctl_as_of', 'int_leads_checked'] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.package_name == project_name
            and node.config.materialized == 'incremental' -%}
            {%- do needed.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if failed or (needed | reject('in', built) | list) -%}
        {{ log(
            'build state not recorded: ' ~ (failed | length) ~ ' node(s) failed, '
            ~ (needed | reject('in', built) | list | join(', ') or 'none') ~ ' not built',
            info=true
        ) }}
        {{ return('') }}
    {%- endif -%}
    {%- set window = previous_build_relation('ctl_load_window') -%}
    {%- set as_of = previous_build_relation('ctl_as_of') -%}
    {%- set checked = previous_build_relation('int_leads_checked') -%}
    {%- do adapter.create_schema(api.Relation.create(
        database=target.database, schema=control_schema()
    )) -%}
    {%- set states = {
        'build_watermark': 'select load_window.loaded_through, build_as_of.as_of_at, '
            ~ 'load_window.fingerprint from ' ~ window ~ ' as load_window cross join '
            ~ as_of ~ ' as build_as_of',
        'build_lead_survivors': 'select lead_id, surviving_lead_id from ' ~ checked,
    } -%}
    {%- for name, sql in states.items() -%}
        {%- set relation = api.Relation.create(
            database=target.database, schema=control_schema(), identifier=name, type='table'
        ) -%}
        {%- do adapter.drop_relation(relation) -%}
        {%- do run_query(create_table_as(false, relation, sql)) -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
    {{ return('') }}
{%- endmacro %}
