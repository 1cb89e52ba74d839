-- Salesforce sales touches in the landing contract's shape: Tasks (calls, e-mails, replies) and
-- Events (meetings) on a lead, or on the contact a lead was converted into. The activity type
-- comes from seed activity_type_vocabulary (the Task or Event type, narrowed by the subject);
-- a task related to a Campaign (WhatId 701...) is that campaign's, or, with Marketo read, the
-- program's that syncs to it.
-- Deleted tasks and events, and those on no lead, are kept with an _excluded_reason
-- (landing_rows leaves them out; quality.rpt_source_system_reconciliation counts them).
with

lead_of_contact as (
    select
        converted_contact_id as contact_id,
        min(id) as lead_id
    from {{ source('salesforce', 'lead') }}
    where converted_contact_id is not null
    group by converted_contact_id
),

touches as (
    {%- if var('salesforce__using_task', true) %}
        {%- set task_relation = source('salesforce', 'task') %}
        select
            sf_task.id as activity_id,
            sf_task.who_id,
            coalesce(sf_task.type, sf_task.task_subtype) as vendor_type,
            sf_task.subject as detail,
            case when sf_task.what_id like '701%' then sf_task.what_id end as campaign_ref,
            sf_task.created_date as occurred_at,
            'task' as _source_table,
            coalesce(sf_task.is_deleted, false) as is_deleted,
            {{ system_lineage(task_relation, 'id', 'sf_task') }}
        from {{ task_relation }} as sf_task
    {%- endif %}
    {%- if var('salesforce__using_task', true) and var('salesforce__using_event', true) %}
        union all
    {%- endif %}
    {%- if var('salesforce__using_event', true) %}
        {%- set event_relation = source('salesforce', 'event') %}
        select
            sf_event.id as activity_id,
            sf_event.who_id,
            coalesce(sf_event.type, 'Meeting') as vendor_type,
            sf_event.subject as detail,
            cast(null as {{ dbt.type_string() }}) as campaign_ref,
            sf_event.start_date_time as occurred_at,
            'event' as _source_table,
            coalesce(sf_event.is_deleted, false) as is_deleted,
            {{ system_lineage(event_relation, 'id', 'sf_event') }}
        from {{ event_relation }} as sf_event
    {%- endif %}
    {%- if not var('salesforce__using_task', true) and not var('salesforce__using_event', true) %}
        select
            cast(null as {{ dbt.type_string() }}) as activity_id,
            cast(null as {{ dbt.type_string() }}) as who_id,
            cast(null as {{ dbt.type_string() }}) as vendor_type,
            cast(null as {{ dbt.type_string() }}) as detail,
            cast(null as {{ dbt.type_string() }}) as campaign_ref,
            cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
            cast(null as {{ dbt.type_string() }}) as _source_table,
            false as is_deleted,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at
        where 1 = 0
    {%- endif %}
),

on_leads as (
    select
        touches.*,
        case
            when touches.who_id like '00Q%' then touches.who_id
            else lead_of_contact.lead_id
        end as lead_id
    from touches
    left join lead_of_contact
        on touches.who_id = lead_of_contact.contact_id
),

{%- if 'marketo' in source_systems() %}
    {#- With Marketo read, campaigns are its programs: a Salesforce campaign a program syncs
        to (program.sfdc_id) is that program. #}
    program_of_campaign as (
        select
            sfdc_id,
            min(cast(id as {{ dbt.type_string() }})) as program_id
        from {{ source('marketo', 'program') }}
        where sfdc_id is not null
        group by sfdc_id
    ),
{%- endif %}

typed as (
    {{ system_activity_types('on_leads', 'salesforce') }}
),

final as (
    select
        on_leads.activity_id,
        on_leads.lead_id,
        typed.activity_type,
        on_leads.occurred_at,
        {%- if 'marketo' in source_systems() %}
            coalesce(program_of_campaign.program_id, on_leads.campaign_ref) as campaign_id,
        {%- else %}
            on_leads.campaign_ref as campaign_id,
        {%- endif %}
        cast(null as {{ dbt.type_string() }}) as url,
        on_leads._source_table,
        case
            when on_leads.is_deleted then 'deleted_in_source'
            when on_leads.lead_id is null then 'not_on_a_lead'
        end as _excluded_reason,
        on_leads._source_file,
        on_leads._source_line,
        on_leads._loaded_at
    from on_leads
    inner join typed
        on on_leads.activity_id = typed.activity_id
    {%- if 'marketo' in source_systems() %}
        left join program_of_campaign
            on on_leads.campaign_ref = program_of_campaign.sfdc_id
    {%- endif %}
)

select * from final
