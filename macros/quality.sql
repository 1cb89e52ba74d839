{#- The earliest time a row may carry and still follow its lead's creation: the lead's
    `created_at` less var lead_created_tolerance_minutes (clock skew between systems). One bound
    for activities, status changes and opportunities, and for the chain test that checks it. -#}
{% macro earliest_after_lead_created(lead_created_at) -%}
    {%- set tolerance = var('lead_created_tolerance_minutes', 5) | int %}
    {{ dbt.dateadd('minute', -1 * tolerance, lead_created_at) }}
{%- endmacro %}

{#- Why a row that points at a lead cannot be used, or null: the lead is unknown, its merge
    chain does not resolve, its survivor is deleted, or the row predates the lead's creation by
    more than var lead_created_tolerance_minutes. `lead` is the joined lead record, `survivor`
    the lead it was merged into (or itself). -#}
{% macro lead_link_reason(lead, survivor, event_at) -%}
    case
        when {{ lead }}.lead_id is null then 'orphan_lead'
        when {{ lead }}.surviving_lead_id is null then 'unresolved_merge'
        when {{ survivor }}.is_deleted then 'lead_deleted'
        when
            {{ event_at }} < {{ earliest_after_lead_created(lead ~ '.created_at') }}
            then 'before_lead_created'
    end
{%- endmacro %}

{% macro lead_link_rule(reason) -%}
    case {{ reason }}
        when 'orphan_lead' then 'the lead must exist'
        when 'unresolved_merge' then 'the lead must resolve to a surviving lead'
        when 'lead_deleted' then 'rows of deleted leads do not count'
        when 'before_lead_created' then 'nothing happens before the lead was created'
    end
{%- endmacro %}

{#- One source table's quarantine: the rows of its base model that failed a row-level rule and
    the rows an intermediate check caught (rules across tables), each with its reason code and
    rule, where it was caught and the raw file and line it came from. -#}
{% macro quarantine_rows(
    base_model, key_column, checked=none, lead_column=none, checked_lead_column=none
) -%}
    select
        {{ dbt.hash(dbt.concat(["_source_file", "'|'", dbt.cast('_source_line', api.Column.translate_type('string'))])) }}
            as quarantine_id,
        {{ dbt.cast(key_column, api.Column.translate_type('string')) }} as record_key,
        {{ lead_column or 'cast(null as ' ~ dbt.type_string() ~ ')' }} as lead_id,
        _dq_reason as reason_code,
        _dq_rule as rule_name,
        'staging' as caught_in,
        _source_file as source_file,
        _source_line as source_line
    from {{ ref(base_model) }}
    where _dq_reason is not null
    {%- if checked %}
    union all
    select
        {{ dbt.hash(dbt.concat(["_source_file", "'|'", dbt.cast('_source_line', api.Column.translate_type('string'))])) }}
            as quarantine_id,
        {{ dbt.cast(key_column, api.Column.translate_type('string')) }} as record_key,
        {{ checked_lead_column or lead_column or 'cast(null as ' ~ dbt.type_string() ~ ')' }} as lead_id,
        _dq_reason as reason_code,
        _dq_rule as rule_name,
        'intermediate' as caught_in,
        _source_file as source_file,
        _source_line as source_line
    from {{ ref(checked) }}
    where _dq_reason is not null
    {%- endif %}
{%- endmacro %}
