-- HubSpot deal stage changes in the landing contract's shape: each deal_stage row (a stage the
-- deal entered), the stage named by its pipeline stage's label (the base model maps it through
-- seed opportunity_stage_vocabulary), else by its stage id. A row that enters the stage the
-- deal was already in is kept with _excluded_reason not_a_stage_change.
with

pipeline_stage as (
    {{ hubspot_pipeline_stages() }}
),

deal_stage as (
    {%- if var('hubspot__using_deal_stage', true) %}
        {%- set stage_relation = source('hubspot', 'deal_stage') %}
        select
            stage_row.deal_id,
            stage_row.value,
            stage_row.date_entered,
            lag(stage_row.value) over (
                partition by stage_row.deal_id
                order by stage_row.date_entered, stage_row.value
            ) as previous_value,
            {{ system_lineage(
                stage_relation, ['deal_id', 'date_entered', 'value'], 'stage_row'
            ) }}
        from {{ stage_relation }} as stage_row
    {%- else %}
        select
            cast(null as {{ dbt.type_bigint() }}) as deal_id,
            cast(null as {{ dbt.type_string() }}) as value,  -- noqa: RF04
            cast(null as {{ dbt.type_timestamp() }}) as date_entered,
            cast(null as {{ dbt.type_string() }}) as previous_value,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at
        where 1 = 0
    {%- endif %}
),

final as (
    select
        cast(deal_stage.deal_id as {{ dbt.type_string() }}) as opportunity_id,
        coalesce(pipeline_stage.label, deal_stage.value) as stage_name,
        deal_stage.date_entered as changed_at,
        'deal_stage' as _source_table,
        case
            when deal_stage.previous_value = deal_stage.value then 'not_a_stage_change'
        end as _excluded_reason,
        deal_stage._source_file,
        deal_stage._source_line,
        deal_stage._loaded_at
    from deal_stage
    left join pipeline_stage
        on deal_stage.value = pipeline_stage.stage_id
)

select * from final
