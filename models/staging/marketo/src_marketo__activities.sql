-- Marketo activities in the landing contract's shape: one activity_<type> table per Marketo
-- activity type, each row on the person 'marketo:<lead_id>' (a person the CRM also has is
-- merged into that lead: src_marketo__leads), its campaign the program of the smart campaign
-- that logged it. The activity type comes from seed activity_type_vocabulary (the Marketo type,
-- narrowed by the page URL, the form name or the program status). The var
-- marketo__activity_tables lists the tables read (all by default; drop those not synced).
{%- set default_tables = {
    'activity_visit_webpage': {'type': 'Visit Webpage', 'detail': 'webpage_url', 'url': 'webpage_url'},
    'activity_fill_out_form': {'type': 'Fill Out Form', 'detail': 'primary_attribute_value', 'url': 'referrer_url'},
    'activity_open_email': {'type': 'Open Email', 'detail': 'primary_attribute_value'},
    'activity_click_email': {'type': 'Click Email', 'detail': 'primary_attribute_value', 'url': 'link'},
    'activity_email_bounced': {'type': 'Email Bounced', 'detail': 'primary_attribute_value'},
    'activity_unsubscribe_email': {'type': 'Unsubscribe Email', 'detail': 'primary_attribute_value'},
    'activity_change_status_in_progression': {'type': 'Change Status in Progression', 'detail': 'new_status'},
} %}
{%- set configured = var('marketo__activity_tables', none) %}
{%- set tables = configured if configured is mapping else default_tables %}
with

smart_campaign as (
    select
        id as campaign_id,
        program_id
    from {{ source('marketo', 'campaign') }}
),

activities as (
    {%- for table, spec in tables.items() if var('marketo__using_' ~ table, true) %}
        select
            cast(activity.id as {{ dbt.type_string() }}) as activity_id,
            'marketo:' || cast(activity.lead_id as {{ dbt.type_string() }}) as lead_id,
            '{{ spec.type }}' as vendor_type,
            activity.{{ spec.detail }} as detail,
            activity.activity_date as occurred_at,
            activity.campaign_id as smart_campaign_id,
            {% if spec.get('url') %}
                activity.{{ spec.url }}{% else %}
                cast(null as {{ dbt.type_string() }})
            {% endif %}
                as url,
            '{{ table }}' as _source_table,
            {{ system_lineage(source('marketo', table), 'id', 'activity') }}
        from {{ source('marketo', table) }} as activity
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

typed as (
    {{ system_activity_types('activities', 'marketo') }}
),

final as (
    select
        activities.activity_id,
        activities.lead_id,
        typed.activity_type,
        activities.occurred_at,
        cast(smart_campaign.program_id as {{ dbt.type_string() }}) as campaign_id,
        activities.url,
        activities._source_table,
        cast(null as {{ dbt.type_string() }}) as _excluded_reason,
        activities._source_file,
        activities._source_line,
        activities._loaded_at
    from activities
    inner join typed
        on activities.activity_id = typed.activity_id
    left join smart_campaign
        on activities.smart_campaign_id = smart_campaign.campaign_id
)

select * from final
