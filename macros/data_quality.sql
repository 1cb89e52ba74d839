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

{#- Version resolution over a relation that has the columns of dq_check_columns, a content hash
    `_row_hash` and the lineage columns `_source_file`, `_source_line`.

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
    the version columns is a duplicate: `duplicate_row` when its content is identical,
    `duplicate_key` when it differs (a conflict). Any other losing row is an older version:
    `_is_superseded`.

    Renders a select of every column of the relation plus _dq_reason, _dq_rule, _is_superseded,
    the _winner_* helper columns and _version_rank (1 = the winner among the good rows). -#}
{% macro dq_resolve_versions(relation, key_columns, version_columns) -%}
    {%- set partition_terms = key_columns
        + ['case when _check_reason is null then 0 else 1 end'] -%}
    {%- set order_terms = [] -%}
    {%- set tie_terms = [] -%}
    {%- set winner_columns = [] -%}
    {%- for column in version_columns -%}
        {%- do order_terms.append(column ~ ' desc nulls last') -%}
        {%- do tie_terms.append(
            '(ranked.' ~ column ~ ' = ranked._winner_' ~ column
            ~ ' or (ranked.' ~ column ~ ' is null and ranked._winner_' ~ column ~ ' is null))'
        ) -%}
    {%- endfor -%}
    {%- do order_terms.extend(['_source_file asc nulls last', '_source_line asc nulls last']) -%}
    {%- set window = 'partition by ' ~ partition_terms | join(', ')
        ~ ' order by ' ~ order_terms | join(', ') -%}
    {%- for column in version_columns + ['_row_hash'] -%}
        {%- do winner_columns.append(
            'first_value(' ~ column ~ ') over (' ~ window ~ ') as _winner_' ~ column
        ) -%}
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
            {{ winner_columns | join(',\n            ') }},
            row_number() over ({{ window }}) as _version_rank
        from {{ relation }}
    ) as ranked
{%- endmacro %}
