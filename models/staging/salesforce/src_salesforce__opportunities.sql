-- Salesforce opportunities in the landing contract's shape (docs/sources.md). An opportunity
-- does not name its lead: it is the lead converted into the deal (ConvertedOpportunityId), else
-- the lead converted into the deal's primary contact (OpportunityContactRole,
-- ConvertedContactId). closed_at is when the deal entered its closed stage (OpportunityHistory),
-- else its CloseDate at midnight UTC. _loaded_at is the latest load of any row the conformed
-- row is made of, so an incremental build sees a deal whose lead link changed.
{%- set opportunity_relation = source('salesforce', 'opportunity') %}
{%- set using_contact_roles = var('salesforce__using_opportunity_contact_role', true) %}
with

opportunity as (
    select * from {{ opportunity_relation }}
),

opportunity_lineage as (
    select
        lineage_row.id,
        {{ system_lineage(opportunity_relation, 'id', 'lineage_row') }}
    from {{ opportunity_relation }} as lineage_row
),

lead as (
    select * from {{ source('salesforce', 'lead') }}
),

lead_of_opportunity as (
    select
        converted_opportunity_id as opportunity_id,
        min(id) as lead_id,
        max(_loaded_at) as loaded_at
    from (
        select
            lead.converted_opportunity_id,
            lead.id,
            {{ system_lineage(source('salesforce', 'lead'), 'id', 'lead') }}
        from lead
    ) as lead
    where converted_opportunity_id is not null
    group by converted_opportunity_id
),

lead_of_contact as (
    select
        converted_contact_id as contact_id,
        min(id) as lead_id,
        max(_loaded_at) as loaded_at
    from (
        select
            lead.converted_contact_id,
            lead.id,
            {{ system_lineage(source('salesforce', 'lead'), 'id', 'lead') }}
        from lead
    ) as lead
    where converted_contact_id is not null
    group by converted_contact_id
),

primary_contact as (
    {%- if using_contact_roles %}
        {%- set contact_role_relation = source('salesforce', 'opportunity_contact_role') %}
        select
            opportunity_id,
            contact_id,
            loaded_at
        from (
            select
                contact_role.opportunity_id,
                contact_role.contact_id,
                contact_role._loaded_at as loaded_at,
                row_number() over (
                    partition by contact_role.opportunity_id
                    order by
                        case when contact_role.is_primary then 0 else 1 end,
                        contact_role.id
                ) as contact_rank
            from (
                select
                    contact_roles.opportunity_id,
                    contact_roles.contact_id,
                    contact_roles.is_primary,
                    contact_roles.id,
                    {{ system_lineage(contact_role_relation, 'id', 'contact_roles') }}
                from {{ contact_role_relation }} as contact_roles
            ) as contact_role
        ) as ranked
        where contact_rank = 1
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as opportunity_id,
            cast(null as {{ dbt.type_string() }}) as contact_id,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at
        where 1 = 0
    {%- endif %}
),

entered_current_stage as (
    select
        history.opportunity_id,
        min(history.created_date) as entered_at
    from {{ source('salesforce', 'opportunity_history') }} as history
    inner join opportunity
        on
            history.opportunity_id = opportunity.id
            and history.stage_name = opportunity.stage_name
    group by history.opportunity_id
),

final as (
    select
        opportunity.id as opportunity_id,
        coalesce(lead_of_opportunity.lead_id, lead_of_contact.lead_id) as lead_id,
        opportunity.account_id,
        opportunity.created_date as created_at,
        opportunity.stage_name,
        opportunity.amount,
        opportunity.is_closed,
        opportunity.is_won,
        case
            when opportunity.is_closed
                then coalesce(
                        entered_current_stage.entered_at,
                        cast(opportunity.close_date as {{ dbt.type_timestamp() }})
                    )
        end as closed_at,
        opportunity.lead_source,
        opportunity.last_modified_date as updated_at,
        'opportunity' as _source_table,
        case when opportunity.is_deleted then 'deleted_in_source' end as _excluded_reason,
        opportunity_lineage._source_file,
        opportunity_lineage._source_line,
        greatest(
            opportunity_lineage._loaded_at,
            coalesce(lead_of_opportunity.loaded_at, opportunity_lineage._loaded_at),
            coalesce(primary_contact.loaded_at, opportunity_lineage._loaded_at),
            coalesce(lead_of_contact.loaded_at, opportunity_lineage._loaded_at)
        ) as _loaded_at
    from opportunity
    inner join opportunity_lineage
        on opportunity.id = opportunity_lineage.id
    left join lead_of_opportunity
        on opportunity.id = lead_of_opportunity.opportunity_id
    left join primary_contact
        on opportunity.id = primary_contact.opportunity_id
    left join lead_of_contact
        on primary_contact.contact_id = lead_of_contact.contact_id
    left join entered_current_stage
        on opportunity.id = entered_current_stage.opportunity_id
)

select * from final
