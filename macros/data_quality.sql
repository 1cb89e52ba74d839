{#- Data-quality helpers for the base models. A base model keeps every raw row and labels it:
    `_dq_reason` (null for a good row, else a reason code), `_dq_rule` (the rule that fired) and
    `_is_superseded` (a good row replaced by a later version of its key). The stg model keeps the
    rows with neither, the quarantine model the rows with a reason, so that
    raw = stg + quarantine + superseded holds row for row. -#}

{#- True when an event timestamp lies more than `future_tolerance_hours` (default 24) after the
    load that brought it: the source clock or the row is wrong. -#}
{% macro is_future_timestamp(column, loaded_at_column='_loaded_at') -%}
    ({{ column }} > {{ dbt.dateadd('hour', var('future_tolerance_hours', 24), loaded_at_column) }})
{%- endmacro %}

{#- True when an event timestamp lies before var `earliest_event_date` (default 2000-01-01): a
    lead created in 1900 is a placeholder or a parse error, not a cohort. -#}
{% macro is_implausibly_old_timestamp(column) -%}
    ({{ column }} < cast('{{ var("earliest_event_date", "2000-01-01") }}' as {{ dbt.type_timestamp() }}))
{%- endmacro %}

{#- True when a number is NaN or infinite (a CSV `1e309`, a Parquet NaN): it passes every range
    check and then fails the build where it is cast to a decimal, so it is quarantined here. -#}
{% macro is_not_finite(column) -%}
    {{ return(adapter.dispatch('is_not_finite', 'lead_funnel')(column)) }}
{%- endmacro %}

{% macro default__is_not_finite(column) -%}
    ({{ column }} in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8))
{%- endmacro %}

{% macro duckdb__is_not_finite(column) -%}
    (not isfinite({{ column }}))
{%- endmacro %}

{% macro spark__is_not_finite(column) -%}
    (isnan({{ column }}) or abs({{ column }}) = double('infinity'))
{%- endmacro %}

{#- Row-level checks, first match wins. `checks` is a list of dicts with the keys condition (a
    SQL predicate), reason (the reason code) and rule (the rule name). Renders two columns:
    _check_reason and _check_rule. -#}
{% macro dq_check_columns(checks) -%}
    case
    {%- for check in checks %}
        when {{ check.condition }} then '{{ check.reason }}'
    {%- endfor %}
    end as _check_reason,
    case
    {%- for check in checks %}
        when {{ check.condition }} then '{{ check.rule }}'
    {%- endfor %}
    end as _check_rule
{%- endmacro %}

{#- Version resolution over a relation that has the columns of dq_check_columns and the lineage
    columns `_source_file`, `_source_line`.

    `version_columns` says what makes one row of a key newer than another:
    - ['updated_at'] for records the source versions (leads, opportunities). The load time is
      deliberately not part of the version: the loader stamps `_loaded_at` per file, so a
      conflicting copy of a version in another file would otherwise pass as an update.
    - ['_loaded_at'] for records without a version column (accounts, campaigns, spend): a later
      load replaces an earlier one.
    - [] for events (activities, status and stage changes): there is only one version, so every
      other row of the key is a duplicate.

    Among the rows of a key that passed the row-level checks, the winner has the latest version
    columns, then the lowest _source_file and _source_line. A row that ties with the winner on
    the version columns is a duplicate: `duplicate_row` when its content (`content_columns`,
    compared through a surrogate key) is identical, `duplicate_key` when it differs (a
    conflict). Any other losing row is an older version: `_is_superseded`.

    Only the keys that occur more than once among the good rows go through the ranking window
    and the content hash; every other row is its key's only version. At twenty million
    activities with a few thousand repeated keys this is what keeps staging linear: one hash
    aggregate instead of a sort of every row and a hash of every row's content. (The key
    columns of a good row are never null: each base model's checks reject null keys.)

    Renders a select of every column of the relation plus _dq_reason, _dq_rule, _is_superseded,
    the _winner_* helper columns, _row_hash and _version_rank (1 = the winner among the good
    rows). -#}
{% macro dq_resolve_versions(relation, key_columns, version_columns, content_columns) -%}
    {%- set order_terms = [] -%}
    {%- set tie_terms = [] -%}
    {%- for column in version_columns -%}
        {%- do order_terms.append(column ~ ' desc nulls last') -%}
        {%- do tie_terms.append(
            '(ranked.' ~ column ~ ' = ranked._winner_' ~ column
            ~ ' or (ranked.' ~ column ~ ' is null and ranked._winner_' ~ column ~ ' is null))'
        ) -%}
    {%- endfor -%}
    {%- do order_terms.extend(['_source_file asc nulls last', '_source_line asc nulls last']) -%}
    {%- set window = 'partition by ' ~ key_columns | join(', ')
        ~ ' order by ' ~ order_terms | join(', ') -%}
    {%- set row_hash = surrogate_key(content_columns) | trim -%}
    {%- set key_matches = [] -%}
    {%- set duplicated_key_columns = [] -%}
    {%- for column in key_columns -%}
        {%- do key_matches.append(
            relation ~ '.' ~ column ~ ' = _duplicated_keys._duplicated_' ~ column
        ) -%}
        {%- do duplicated_key_columns.append(column ~ ' as _duplicated_' ~ column) -%}
    {%- endfor -%}
    {%- set ties_winner = '(' ~ (tie_terms | join(' and ') if tie_terms else '1 = 1') ~ ')' -%}
    select
        ranked.*,
        case
            when ranked._check_reason is not null then ranked._check_reason
            when ranked._version_rank = 1 then null
            when {{ ties_winner }} and ranked._row_hash = ranked._winner__row_hash
                then 'duplicate_row'
            when {{ ties_winner }} then 'duplicate_key'
        end as _dq_reason,
        case
            when ranked._check_reason is not null then ranked._check_rule
            when ranked._version_rank = 1 then null
            when {{ ties_winner }} then 'one_row_per_key_and_version'
        end as _dq_rule,
        case
            when
                ranked._check_reason is null
                and ranked._version_rank > 1
                and not {{ ties_winner }}
                then true
            else false
        end as _is_superseded
    from (
        select
            {{ relation }}.*,
            {%- for column in version_columns %}
            first_value({{ relation }}.{{ column }}) over ({{ window }}) as _winner_{{ column }},
            {%- endfor %}
            {{ row_hash }} as _row_hash,
            first_value({{ row_hash }}) over ({{ window }}) as _winner__row_hash,
            row_number() over ({{ window }}) as _version_rank
        from {{ relation }}
        inner join (
            {{ dq_duplicated_keys(relation, key_columns, duplicated_key_columns) }}
        ) as _duplicated_keys
            on {{ key_matches | join(' and ') }}
        where {{ relation }}._check_reason is null
        union all
        select
            {{ relation }}.*,
            {%- for column in version_columns %}
            {{ relation }}.{{ column }} as _winner_{{ column }},
            {%- endfor %}
            cast(null as {{ dbt.type_string() }}) as _row_hash,
            cast(null as {{ dbt.type_string() }}) as _winner__row_hash,
            1 as _version_rank
        from {{ relation }}
        left join (
            {{ dq_duplicated_keys(relation, key_columns, duplicated_key_columns) }}
        ) as _duplicated_keys
            on {{ key_matches | join(' and ') }}
        where
            {{ relation }}._check_reason is not null
            or _duplicated_keys._duplicated_{{ key_columns[0] }} is null
    ) as ranked
{%- endmacro %}

{#- The keys that more than one good row of `relation` has (dq_resolve_versions). -#}
{% macro dq_duplicated_keys(relation, key_columns, duplicated_key_columns) -%}
    select {{ duplicated_key_columns | join(', ') }}
            from {{ relation }}
            where _check_reason is null
            group by {{ key_columns | join(', ') }}
            having count(*) > 1
{%- endmacro %}
