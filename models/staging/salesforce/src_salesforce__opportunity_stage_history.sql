-- Salesforce opportunity stage changes in the landing contract's shape: the OpportunityHistory
-- rows whose stage differs from the opportunity's previous row; a change of amount or close
-- date alone is kept with _excluded_reason not_a_stage_change (landing_rows leaves it out).
{%- set history_relation = source('salesforce', 'opportunity_history') %}
with

opportunity_history as (
    select
        *,
        lag(stage_name) over (
            partition by opportunity_id order by created_date, id
        ) as previous_stage_name
    from {{ history_relation }}
),

final as (
    select
        opportunity_history.opportunity_id,
        opportunity_history.stage_name,
        opportunity_history.created_date as changed_at,
        'opportunity_history' as _source_table,
        case
            when
                opportunity_history.previous_stage_name is null
                or opportunity_history.stage_name <> opportunity_history.previous_stage_name
                then null
            else 'not_a_stage_change'
        end as _excluded_reason,
        {{ system_lineage(history_relation, 'id', 'opportunity_history') }}
    from opportunity_history
)

select * from final
