{#- Lead-keyed incremental builds (docs/incremental.md).

    A build after a new load recomputes only the leads whose inputs changed since the previous
    build (ctl_leads_touched): each incremental model deletes those leads' rows in a pre-hook
    and inserts them again, recomputed over each lead's whole history. The previous build's
    state (watermark, merge resolution) is read from control.build_watermark and
    control.build_lead_survivors, which the on-run-end hook writes only after a build in which
    nothing failed (macros/control.sql), so a build that fails half-way leaves the old state and
    the next build redoes its leads. -#}

{#- The relation a model of this project is built into, or none when it does not exist yet:
    found through the graph, not ref(), for the hooks and test filters that read it. -#}
{% macro previous_build_relation(model_name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in (graph.get('nodes') or {}).values() -%}
        {%- if node.resource_type == 'model' and node.name == model_name -%}
            {{ return(adapter.get_relation(
                database=node.database, schema=node.schema, identifier=node.alias
            )) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- A fingerprint of everything besides the raw data that the lead-keyed models depend on: the
    checksums of every seed and model file and the vars that change results (not as_of: a moved
    as-of time touches only the leads with events between the old and the new one). When it
    changes, the next build recomputes every lead. -#}
{% macro incremental_fingerprint() -%}
    {%- set parts = [] -%}
    {%- if execute -%}
        {%- for node in (graph.get('nodes') or {}).values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type in ('model', 'seed') and node.package_name == project_name -%}
                {%- do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do parts.append('email_hash_salt=' ~ var('email_hash_salt')) -%}
    {%- do parts.append('future_tolerance_hours=' ~ var('future_tolerance_hours', 24)) -%}
    {%- do parts.append(
        'lead_created_tolerance_minutes=' ~ var('lead_created_tolerance_minutes', 5)
    ) -%}
    {%- do parts.append('earliest_event_date=' ~ var('earliest_event_date', '2000-01-01')) -%}
    {#- local_md5 is dbt's; sqlfluff's plain jinja templater has no such function. -#}
    {%- if local_md5 is defined -%}
        {{- local_md5(parts | join('|')) -}}
    {%- else -%}
        {{- parts | join('|') -}}
    {%- endif -%}
{%- endmacro %}

{#- is_incremental(), also where there is no `this` (a unit test builds the model in full). -#}
{% macro is_lead_incremental() -%}
    {{ return(this is not none and is_incremental()) }}
{%- endmacro %}

{#- A predicate: true for the rows of the leads this build recomputes (every row when the model
    is built in full). `lead_column` holds the surviving lead id. -#}
{% macro is_touched_lead(lead_column) -%}
    {%- if is_lead_incremental() -%}
        {{ lead_column }} in (select lead_id from {{ ref('ctl_leads_touched') }})
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of every incremental model here: deletes the rows `condition` names, the rows
    this build recomputes (all rows when the window says everything must be recomputed); a no-op
    when the model is built in full. -#}
{% macro delete_recomputed_rows(condition, recompute_all_sql=none) -%}
    {%- if is_lead_incremental() -%}
        delete from {{ this }}
        where
            {{ condition }}
            or {{ recompute_all_sql or
                "(select recompute_all from " ~ ref('ctl_load_window') ~ ")" }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a lead-keyed incremental model: deletes the rows of the touched leads. -#}
{% macro delete_touched_leads(lead_column='lead_id') -%}
    {{ delete_recomputed_rows(is_touched_lead(lead_column)) }}
{%- endmacro %}

{#- Key-incremental staging (base_marketing__activities): a build re-stages only the raw rows
    of the keys that rows loaded since the previous build's watermark name, since version
    resolution compares the rows of one key with each other and with nothing else.
    `key_expression` is the staged key, written over the raw columns. -#}
{% macro keys_loaded_since_watermark(source_relation, key_expression) -%}
    select {{ key_expression }} as staged_key
    from {{ source_relation }}
    where _loaded_at > {{ previous_loaded_through() }}
{%- endmacro %}

{#- The raw rows a key-incremental build stages: every row on a full build; else the rows loaded
    since the watermark and every other row of their keys (all rows when the window says
    recompute_all). -#}
{% macro is_raw_row_to_stage(source_relation, key_expression) -%}
    {%- if is_lead_incremental() -%}
        (
            {{ recompute_all() }}
            or _loaded_at > {{ previous_loaded_through() }}
            or {{ key_expression }} in (
                {{ keys_loaded_since_watermark(source_relation, key_expression) }}
            )
        )
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a key-incremental staging model: deletes the staged rows of the keys loaded
    since the watermark. -#}
{% macro delete_keys_loaded_since_watermark(source_relation, key_column, key_expression) -%}
    {{ delete_recomputed_rows(
        key_column ~ ' in (' ~ keys_loaded_since_watermark(source_relation, key_expression) ~ ')',
        recompute_all_sql=recompute_all()
    ) }}
{%- endmacro %}

{#- The lead records whose rows a build re-checks in the lead-keyed quality models
    (int_activities_checked): the touched leads, and every lead merged into a touched lead (its
    rows are checked against the surviving lead's record). -#}
{% macro touched_original_leads() -%}
    select lead_id from {{ ref('ctl_leads_touched') }}
    union
    select lead_id
    from {{ ref('int_leads_checked') }}
    where surviving_lead_id in (select lead_id from {{ ref('ctl_leads_touched') }})
{%- endmacro %}

{#- A predicate: true for the rows of the lead records this build re-checks (every row when the
    model is built in full). `original_lead_column` holds the lead id as recorded. -#}
{% macro is_touched_original_lead(original_lead_column) -%}
    {%- if is_lead_incremental() -%}
        {{ original_lead_column }} in ({{ touched_original_leads() }})
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a model keyed by the lead as recorded: deletes the rows of the lead records
    this build re-checks. -#}
{% macro delete_touched_original_leads(original_lead_column) -%}
    {{ delete_recomputed_rows(is_touched_original_lead(original_lead_column)) }}
{%- endmacro %}

{#- The header of every lead-keyed incremental model: append after the pre-hook `pre_hook` has
    deleted the rows this build recomputes, and the state models the build reads (through
    is_touched_lead and delete_recomputed_rows) declared as dependencies. -#}
{% macro lead_incremental_config(pre_hook="{{ delete_touched_leads() }}") -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=pre_hook
    ) }}
    -- depends_on: {{ ref('ctl_leads_touched') }}
    -- depends_on: {{ ref('ctl_load_window') }}
{%- endmacro %}
