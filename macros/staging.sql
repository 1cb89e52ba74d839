{#- The one staging shape (docs/development.md): per source table, a base model in
    staging/<source>/base/ is one declaration, `{{ base_model(...) }}`, that renames, types,
    normalises, checks (dq_check_columns) and resolves versions (dq_resolve_versions) over every
    raw row; the stg_ model is one line, `{{ staged_good_rows('base_<source>__<table>') }}`, and
    the quarantine one line in models/quality/ (quarantine_rows). -#}

{#- The good rows of a base model: every data-quality rule passed, the latest version of each
    key, with every column of the base model but its data-quality flags. -#}
{% macro staged_good_rows(base_model) -%}
    {%- set base = ref(base_model) -%}
    {%- set flags_columns = ['_dq_reason', '_dq_rule', '_is_superseded'] -%}
    {%- set relation = load_relation(base) if execute else none -%}
    {%- set columns = adapter.get_columns_in_relation(relation) if relation is not none else [] -%}
    -- The good rows of {{ base_model }}: every data-quality rule passed, the latest version of
    -- each key.
    with

    {{ base_model }} as (
        select * from {{ base }}
    ),

    final as (
        select
            {%- for column in columns if column.name | lower not in flags_columns %}
            {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
            {%- else %}
            *
            {%- endfor %}
        from {{ base_model }}
        where
            _dq_reason is null
            and not _is_superseded
    )

    select * from final
{%- endmacro %}

{#- How a landing column becomes a staged one, by kind (base_model's `columns`):
    id, text: trimmed, null when blank; lower: lower-case and trimmed (e-mail, domain, activity
    type); code: snake_case ('Financial Services' -> financial_services); country: upper-case;
    bigint: cast; number: as loaded (the loader types it); flag: false when not given;
    timestamp, date: cast. -#}
{% macro staged_value(kind, column) -%}
    {%- if kind in ('id', 'text') -%}
        nullif(trim({{ column }}), '')
    {%- elif kind == 'lower' -%}
        nullif(lower(trim({{ column }})), '')
    {%- elif kind == 'code' -%}
        nullif({{ snake_case(column) }}, '')
    {%- elif kind == 'country' -%}
        nullif(upper(trim({{ column }})), '')
    {%- elif kind == 'bigint' -%}
        cast({{ column }} as {{ dbt.type_bigint() }})
    {%- elif kind == 'number' -%}
        {{ column }}
    {%- elif kind == 'flag' -%}
        coalesce({{ column }}, false)
    {%- elif kind == 'timestamp' -%}
        cast({{ column }} as {{ dbt.type_timestamp() }})
    {%- elif kind == 'date' -%}
        cast({{ column }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "base_model: column '" ~ column ~ "' has unknown kind '" ~ kind ~ "' (id, text, "
            ~ "lower, code, country, bigint, number, flag, timestamp, date)"
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- The one base model (docs/development.md), from a declaration:

    source_relation  the rows to stage: landing_rows('<source>', '<table>'), the landing
                     contract's table and each source system's conformed rows (macros/sources.sql)
    columns          [{'name': staged name, 'kind': see staged_value, 'from': landing column
                     when it differs}], in output order; the lineage columns _source_file,
                     _source_line, _loaded_at and source_system follow
    key_columns      what identifies a record (version resolution partitions by it)
    version_columns  what makes a row of a key newer (dq_resolve_versions)
    checks           row-level rules, first match wins (dq_check_columns)
    derived          [{'name', 'sql'}] computed from the staged columns
    lookups          [{'seed', 'on'}] seeds left-joined, `on` a condition over the seed and
                     `staged` (the row so far); 'alias' joins a seed twice, 'where' filters it,
                     'sql' (with 'alias') joins a query instead of a seed
    enriched         [{'name', 'sql'}] computed after the lookups (seed columns qualified)
    record_id        {'name', 'columns'}: a surrogate key (md5 of the columns) for a record
                     whose key is composite
    incremental_key  the landing expression of the key a build re-stages by (the model's
                     pre-hook names the same one); none for a table rebuilt in full

    content_columns  what makes two rows of a key and version the same record (duplicate_row) or
                     a conflict (duplicate_key); default: the staged columns

    Columns whose name starts with '_' are helpers (a value as delivered before a vocabulary
    lookup, a lookup key, a flag for the checks) and are not output. Renders: source -> staged (rename and type) -> derived -> enriched (lookups) ->
    checked -> resolved -> final, one row per landing row with _dq_reason, _dq_rule and
    _is_superseded. -#}
{% macro base_model(
    source_relation, columns, key_columns, version_columns, checks,
    derived=[], lookups=[], enriched=[], record_id=none, incremental_key=none,
    content_columns=none
) -%}
    {%- set lineage_columns = ['_source_file', '_source_line', '_loaded_at', 'source_system'] -%}
    {%- set output_columns = [] -%}
    {%- if record_id -%}
        {%- do output_columns.append(record_id.name) -%}
    {%- endif -%}
    {%- for column in columns + derived + enriched
        if not column.name.startswith('_') -%}
        {%- do output_columns.append(column.name) -%}
    {%- endfor -%}
    {%- if content_columns is none -%}
        {%- set content_columns = [] -%}
        {%- for column in columns -%}
            {%- do content_columns.append(column.name) -%}
        {%- endfor -%}
    {%- endif %}
    with

    source as (
        select * from {{ source_relation }}
        {%- if incremental_key %}
        where {{ is_raw_row_to_stage(source_relation, incremental_key) }}
        {%- endif %}
    ),
    {%- for lookup in lookups %}

    {{ lookup.get('alias', lookup.get('seed')) }} as (
        {%- if lookup.get('sql') %}
        {{ lookup.sql }}
        {%- else %}
        select * from {{ ref(lookup.seed) }}
        {%- if lookup.get('where') %}
        where {{ lookup.where }}
        {%- endif %}
        {%- endif %}
    ),
    {%- endfor %}

    staged as (
        select
            {%- for column in columns %}
            {{ staged_value(column.kind, column.get('from', column.name)) }} as {{ column.name }},
            {%- endfor %}
            {{ lineage_columns | join(',\n            ') }}
        from source
    ),

    derived as (
        select
            {%- for column in derived %}
            {{ column.sql }} as {{ column.name }},
            {%- endfor %}
            staged.*
        from staged
    ),

    enriched as (
        select
            {%- for column in enriched %}
            {{ column.sql }} as {{ column.name }},
            {%- endfor %}
            staged.*
        from derived as staged
        {%- for lookup in lookups %}
        left join {{ lookup.get('alias', lookup.get('seed')) }}
            on {{ lookup.on }}
        {%- endfor %}
    ),

    checked as (
        select
            *,
            {%- if record_id %}
            {{ surrogate_key(record_id.columns) }} as {{ record_id.name }},
            {%- endif %}
            {{ dq_check_columns(checks) }}
        from enriched
    ),

    resolved as (
        {{ dq_resolve_versions(
            'checked', key_columns=key_columns, version_columns=version_columns,
            content_columns=content_columns
        ) }}
    ),

    final as (
        select
            {%- for column in output_columns %}
            {{ column }},
            {%- endfor %}
            _dq_reason,
            _dq_rule,
            _is_superseded,
            {{ lineage_columns | join(',\n            ') }}
        from resolved
    )

    select * from final
{%- endmacro %}
