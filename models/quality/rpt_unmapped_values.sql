-- Every delivered value a vocabulary did not recognise (docs/data-quality.md, Unmapped values):
-- one row per source system, field and value as delivered, with how many raw rows carry it and
-- their share of the field's delivered values. Read from the base models, so every raw row
-- counts, a quarantined one too (an unknown status or activity type is quarantined, and it is
-- unmapped all the same). A value is unmapped when:
--   lead_source        its channel is 'other' (seed channel_mapping: leads, opportunities,
--                      campaigns)
--   country            no country code was found (seed country_codes: leads, accounts)
--   lead_status        no status was found (seed lead_status_vocabulary, lead_statuses)
--   opportunity_stage  no stage was found (seed opportunity_stage_vocabulary,
--                      opportunity_stages: opportunities, stage history)
--   activity_type      it is not a scoring activity type (seed scoring_activity_types; a
--                      system's own types map in its src_ model, seed activity_type_vocabulary)
--   employee_count     HubSpot's numemployees is neither a number nor a range (macro
--                      hubspot_employee_count)
{%- set fields = [
    {'field': 'lead_source', 'model': 'base_crm__leads', 'value': 'lead_source',
     'unmapped': "channel = 'other'"},
    {'field': 'lead_source', 'model': 'base_crm__opportunities', 'value': 'lead_source',
     'unmapped': "channel = 'other'"},
    {'field': 'lead_source', 'model': 'base_marketing__campaigns', 'value': 'lead_source',
     'unmapped': "channel = 'other'"},
    {'field': 'country', 'model': 'base_crm__leads', 'value': 'country_as_delivered',
     'unmapped': 'country is null'},
    {'field': 'country', 'model': 'base_crm__accounts', 'value': 'country_as_delivered',
     'unmapped': 'country is null'},
    {'field': 'lead_status', 'model': 'base_crm__lead_status_history',
     'value': 'status_as_delivered', 'unmapped': 'status is null'},
    {'field': 'opportunity_stage', 'model': 'base_crm__opportunities',
     'value': 'stage_as_delivered', 'unmapped': 'not is_known_stage'},
    {'field': 'opportunity_stage', 'model': 'base_crm__opportunity_stage_history',
     'value': 'stage_as_delivered', 'unmapped': 'not is_known_stage'},
    {'field': 'activity_type', 'model': 'base_marketing__activities',
     'from': 'activity_types_checked', 'value': 'activity_type_as_delivered',
     'unmapped': 'not is_known_activity_type'},
] %}
{#- employee_count: a HubSpot numemployees that is neither a number nor a range. #}
{%- if 'hubspot' in source_systems() %}
    {%- do fields.append({
        'field': 'employee_count', 'model': 'src_hubspot__leads',
        'from': "(select 'hubspot' as source_system, * from " ~ ref('src_hubspot__leads') ~ ')',
        'value': 'employee_count_as_delivered', 'unmapped': 'employee_count is null',
    }) %}
{%- endif %}

with

scoring_activity_types as (
    select * from {{ ref('scoring_activity_types') }}
),

-- An activity's type is the scoring type its key matched, else the delivered type lower-cased
-- (base_marketing__activities): known exactly when it is a scoring type.
activity_types_checked as (
    select
        base_marketing__activities.source_system,
        base_marketing__activities.activity_type_as_delivered,
        base_marketing__activities._loaded_at,
        scoring_activity_types.activity_type is not null as is_known_activity_type
    from {{ ref('base_marketing__activities') }} as base_marketing__activities
    left join scoring_activity_types
        on base_marketing__activities.activity_type = scoring_activity_types.activity_type
),

delivered as (
    {%- for field in fields %}
        select
            source_system,
            '{{ field.field }}' as field,
            '{{ field.model }}' as source_model,
            {{ field.value }} as value_as_delivered,
            coalesce({{ field.unmapped }}, false) as is_unmapped,
            _loaded_at
        from {{ field.get('from') or ref(field.model) }}
        where {{ field.value }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

field_totals as (
    select
        source_system,
        field,
        count(*) as field_rows
    from delivered
    group by source_system, field
),

unmapped as (
    select
        source_system,
        field,
        value_as_delivered,
        count(*) as unmapped_rows,
        min(_loaded_at) as first_seen_at,
        max(_loaded_at) as last_seen_at,
        {{ dbt.listagg('distinct source_model', "', '", 'order by source_model') }}
            as source_models
    from delivered
    where is_unmapped
    group by source_system, field, value_as_delivered
),

final as (
    select
        unmapped.source_system,
        unmapped.field,
        unmapped.value_as_delivered,
        {{ vocabulary_key('unmapped.value_as_delivered') }} as vocabulary_key,
        cast(unmapped.unmapped_rows as {{ dbt.type_bigint() }}) as unmapped_rows,
        cast(field_totals.field_rows as {{ dbt.type_bigint() }}) as field_rows,
        cast(unmapped.unmapped_rows as double precision) / field_totals.field_rows
            as share_of_field,
        cast(unmapped.first_seen_at as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(unmapped.last_seen_at as {{ dbt.type_timestamp() }}) as last_seen_at,
        unmapped.source_models
    from unmapped
    inner join field_totals
        on
            unmapped.source_system = field_totals.source_system
            and unmapped.field = field_totals.field
)

select * from final
