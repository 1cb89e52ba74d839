-- HubSpot status changes in the landing contract's shape (docs/sources.md, HubSpot): the
-- contact_property_history rows of hs_lead_status (the lead status, mapped by the base model
-- through seed lead_status_vocabulary) and of lifecyclestage (mapped here through seed
-- lifecycle_stage_vocabulary to the status the stage implies: salesqualifiedlead is qualified,
-- opportunity converted). A lifecycle stage that implies no status (subscriber, lead, HubSpot's
-- own MQL, customer) and the rows of other properties are kept with an _excluded_reason
-- (landing_rows leaves them out; quality.rpt_source_system_reconciliation counts them). An
-- unknown lifecycle stage is passed on as delivered: the base model quarantines it as
-- invalid_status and quality.rpt_unmapped_values lists it.
{%- set history_relation = source('hubspot', 'contact_property_history') %}
{%- set ts = adapter.quote('timestamp') %}
with

property_history as (
    select
        history_row.contact_id,
        lower(trim(history_row.name)) as property_name,
        history_row.value,
        history_row.{{ ts }} as changed_at,
        history_row.source_id,
        {{ vocabulary_key('history_row.value') }} as value_key,
        {{ system_lineage(
            history_relation, ['contact_id', 'name', 'timestamp'], 'history_row'
        ) }}
    from {{ history_relation }} as history_row
),

lifecycle_stage as (
    {#- The system's own row wins over a row for every system; one row per key. #}
    select
        match_key,
        min(status) as status
    from (
        select
            {{ vocabulary_key('vendor_value') }} as match_key,
            status,
            rank() over (
                partition by {{ vocabulary_key('vendor_value') }}
                order by case when source_system = 'hubspot' then 0 else 1 end
            ) as system_rank
        from {{ ref('lifecycle_stage_vocabulary') }}
        where source_system = 'hubspot' or source_system is null
    ) as ranked_stages
    where system_rank = 1
    group by match_key
),

final as (
    select
        cast(property_history.contact_id as {{ dbt.type_string() }}) as lead_id,
        case
            when property_history.property_name = 'lifecyclestage'
                then coalesce(lifecycle_stage.status, property_history.value)
            else property_history.value
        end as status,
        property_history.changed_at,
        cast(null as {{ dbt.type_string() }}) as reason,
        property_history.source_id as changed_by,
        'contact_property_history' as _source_table,
        case
            when property_history.property_name = 'hs_lead_status' then null
            when property_history.property_name <> 'lifecyclestage' then 'not_a_status_change'
            when lifecycle_stage.match_key is not null and lifecycle_stage.status is null
                then 'lifecycle_stage_without_status'
        end as _excluded_reason,
        property_history._source_file,
        property_history._source_line,
        property_history._loaded_at
    from property_history
    left join lifecycle_stage
        on
            property_history.property_name = 'lifecyclestage'
            and property_history.value_key = lifecycle_stage.match_key
)

select * from final
