{#- Source systems (docs/sources.md): the landing contract is always read; the systems named in
    the var lead_funnel_sources (or env FUNNEL_SOURCES), e.g. 'salesforce,marketo', are read
    beside it, each conformed to the landing contract by its src_<system>__<table> models. -#}

{#- Every row of a canonical table from every system read: the landing contract's raw table and
    each system's conformed src_ model (but its rows with an _excluded_reason: a history row of
    another field, a deleted record; quality.rpt_source_system_reconciliation counts them), with
    the contract columns, the lineage columns and source_system. A parenthesised subquery with
    an alias, usable wherever a relation is. -#}
{% macro landing_rows(source_name, table_name) -%}
    {%- set columns = landing_columns(source_name, table_name) -%}
    {%- set parts = [{'relation': source(source_name, table_name), 'system': 'landing'}] -%}
    {%- set provided = system_tables() -%}
    {%- for system in source_systems() if table_name in provided[system] -%}
        {%- do parts.append({
            'relation': ref('src_' ~ system ~ '__' ~ table_name), 'system': system
        }) -%}
    {%- endfor -%}
    (
        {%- for part in parts %}
        select
            {%- for column in columns %}
            cast({{ column.name }} as {{ column.data_type }}) as {{ column.name }},
            {%- else %}
            {#- No column list (parsing, a unit test's fixture): the table as it is. #}
            *,
            {%- endfor %}
            {%- if columns %}
            _source_file,
            _source_line,
            _loaded_at,
            {%- endif %}
            '{{ part.system }}' as source_system
        from {{ part.relation }}
        {%- if part.system != 'landing' %}
        where _excluded_reason is null
        {%- endif %}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as landing_rows
{%- endmacro %}

{#- The lineage columns of a system's row, as the landing contract has them: the loader's
    columns when the table was loaded from files, else (a connector's schema read in place) the
    table and the record's key as the "file" ('contact_property_history/101/lifecyclestage/...';
    `id_column` is a column or, for a composite key, a list of them), line 1, and the
    connector's sync time (`synced_column`) as _loaded_at. `table_alias` qualifies the columns
    in a join. -#}
{% macro system_lineage(relation, id_column, table_alias, synced_column='_fivetran_synced') -%}
    {%- if not execute or '_source_file' in relation_column_names(relation) -%}
        {{ table_alias }}._source_file,
        {{ table_alias }}._source_line,
        {{ table_alias }}._loaded_at
    {%- else -%}
        {%- set key_parts = ["'" ~ relation.identifier ~ "/'"] -%}
        {%- for column in ([id_column] if id_column is string else id_column) -%}
            {%- if not loop.first -%}
                {%- do key_parts.append("'/'") -%}
            {%- endif -%}
            {%- do key_parts.append(
                'coalesce(' ~ dbt.cast(table_alias ~ '.' ~ adapter.quote(column), dbt.type_string())
                ~ ", '')"
            ) -%}
        {%- endfor -%}
        {{ dbt.concat(key_parts) }} as _source_file,
        cast(1 as {{ dbt.type_bigint() }}) as _source_line,
        cast({{ table_alias }}.{{ synced_column }} as {{ dbt.type_timestamp() }}) as _loaded_at
    {%- endif -%}
{%- endmacro %}

{#- The activity types of a system's activities (docs/sources.md, Activities): `rows` is a
    relation with activity_id, vendor_type and detail; each row gets the first row of seed
    activity_type_vocabulary for the system whose vendor_type has the row's key and whose
    detail_contains (lower-case) the row's detail contains, by priority. Unmatched: the vendor
    type (and ' / ' and the detail when the type is known but no pattern matched), which the
    base model quarantines as unknown_activity_type and quality.rpt_unmapped_values lists.
    Renders a select of activity_id and activity_type. -#}
{% macro system_activity_types(rows, system) -%}
    {%- set type_key = vocabulary_key(rows ~ '.vendor_type') -%}
    select
        activity_id,
        activity_type
    from (
        select
            {{ rows }}.activity_id,
            coalesce(
                patterns.activity_type,
                {{ rows }}.vendor_type || case
                    when known_types.type_key is not null and {{ rows }}.detail is not null
                        then ' / ' || {{ rows }}.detail
                    else ''
                end
            ) as activity_type,
            row_number() over (
                partition by {{ rows }}.activity_id
                order by patterns.priority nulls last, patterns.activity_type
            ) as match_rank
        from {{ rows }}
        left join (
            select distinct {{ vocabulary_key('vendor_type') }} as type_key
            from {{ ref('activity_type_vocabulary') }}
            where source_system = '{{ system }}'
        ) as known_types
            on {{ type_key }} = known_types.type_key
        left join (
            select
                {{ vocabulary_key('vendor_type') }} as type_key,
                lower(detail_contains) as detail_contains,
                priority,
                activity_type
            from {{ ref('activity_type_vocabulary') }}
            where source_system = '{{ system }}'
        ) as patterns
            on {{ type_key }} = patterns.type_key
            and (
                patterns.detail_contains is null
                or lower({{ rows }}.detail) like '%' || patterns.detail_contains || '%'
            )
    ) as matched
    where match_rank = 1
{%- endmacro %}

{#- Seed lookups that turn a delivered value into a canonical one (docs/sources.md,
    Vocabularies), for base_model: the system's own row of `seed` (source_system = the row's),
    else a row for every system (source_system empty), else a canonical value itself
    (`canonical`: [(relation, value column, spelling column)], each spelling compared as a key).
    `key_column` holds the row's vocabulary_key. Returns {'lookups': [...], 'value': SQL}: the
    canonical value, null when nothing matches. -#}
{% macro vocabulary(name, key_column, seed=none, target=none, canonical=[]) -%}
    {%- set lookups = [] -%}
    {%- set values = [] -%}
    {%- if seed -%}
        {#- min() and group by keep one row per key even when a seed is ambiguous (the seed's
            tests report that): a lookup never multiplies rows. -#}
        {%- set seed_sql = 'select source_system, match_key,'
            ~ ' min(vocabulary_value) as vocabulary_value from (select source_system, ' ~ target ~ ' as vocabulary_value, '
            ~ vocabulary_key('vendor_value') ~ ' as match_key from ' ~ ref(seed)
            ~ ') as vocabulary where match_key is not null and source_system is ' -%}
        {%- do lookups.append({
            'alias': name ~ '_of_system',
            'sql': seed_sql ~ 'not null group by source_system, match_key',
            'on': name ~ '_of_system.source_system = staged.source_system and '
                ~ name ~ '_of_system.match_key = staged.' ~ key_column,
        }) -%}
        {%- do lookups.append({
            'alias': name ~ '_of_any_system',
            'sql': seed_sql ~ 'null group by source_system, match_key',
            'on': name ~ '_of_any_system.match_key = staged.' ~ key_column,
        }) -%}
        {%- do values.extend([
            name ~ '_of_system.vocabulary_value', name ~ '_of_any_system.vocabulary_value'
        ]) -%}
    {%- endif -%}
    {%- if canonical -%}
        {%- set parts = [] -%}
        {%- for relation, value_column, spelling_column in canonical -%}
            {%- do parts.append(
                'select ' ~ value_column ~ ' as vocabulary_value, '
                ~ vocabulary_key(spelling_column) ~ ' as match_key from ' ~ relation
            ) -%}
        {%- endfor -%}
        {%- do lookups.append({
            'alias': name ~ '_canonical',
            'sql': 'select match_key, min(vocabulary_value) as vocabulary_value from ('
                ~ parts | join(' union all ') ~ ') as spellings where match_key is not null'
                ~ ' group by match_key',
            'on': name ~ '_canonical.match_key = staged.' ~ key_column,
        }) -%}
        {%- do values.append(name ~ '_canonical.vocabulary_value') -%}
    {%- endif -%}
    {{ return({'lookups': lookups, 'value': 'coalesce(' ~ values | join(', ') ~ ')'}) }}
{%- endmacro %}

{#- A column of a system's table that a connector may not have (a portal's own property, read
    in place): the column, or a typed null when the relation lacks it. -#}
{% macro optional_system_column(relation, table_alias, column, data_type) -%}
    {%- if not execute or column in relation_column_names(relation) -%}
        {{ table_alias }}.{{ column }}
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
