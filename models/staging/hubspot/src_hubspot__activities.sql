-- HubSpot engagement in the landing contract's shape (docs/sources.md, HubSpot), three kinds:
-- - marketing e-mail events (email_event: OPEN, CLICK, BOUNCE, STATUSCHANGE, ...), on the
--   contact whose e-mail is the recipient's: the one current contact with it (latest version,
--   lower-case, trimmed), else the one contact of any state with it; the campaign is the
--   marketing e-mail (email_campaign_id), a click's URL its link (email_event_click); its
--   _loaded_at is also the latest load of any contact that has or had the address, so an
--   event whose contact a later delivery changes is staged again;
-- - form submissions (contact_form_submission), typed by the form's name (form), the campaign
--   the page URL's utm_campaign parameter, the URL the page without its query string;
-- - sales engagements (engagement: CALL, EMAIL, INCOMING_EMAIL, MEETING), on the engagement's
--   contact (engagement_contact; the lowest id when several).
-- The activity type comes from seed activity_type_vocabulary. Rows that are not activities (an
-- e-mail sent or delivered, a note: not_an_activity), deleted engagements, and rows on no
-- contact are kept with an _excluded_reason (landing_rows leaves them out;
-- quality.rpt_source_system_reconciliation counts them).
{%- set ts = adapter.quote('timestamp') %}
{%- set using_email = var('hubspot__using_email_event', true) %}
{%- set using_forms = var('hubspot__using_contact_form_submission', true) %}
{%- set using_engagements = var('hubspot__using_engagement', true) %}
with

contact_version as (
    select
        lead_id,
        {{ staged_value('lower', 'email') }} as email_key,
        merged_into_lead_id is null and not is_deleted as is_current,
        max(_loaded_at) over (partition by lead_id) as lead_loaded_at,
        row_number() over (
            partition by lead_id order by updated_at desc nulls last, _loaded_at desc
        ) as version_rank
    from {{ ref('src_hubspot__leads') }}
),

contact_by_email as (
    select
        email_key,
        count(distinct case when is_current then lead_id end) as current_contacts,
        min(case when is_current then lead_id end) as current_lead_id,
        count(distinct lead_id) as contacts,
        min(lead_id) as any_lead_id
    from contact_version
    where version_rank = 1 and email_key is not null
    group by email_key
),

{# Per e-mail, the latest load of any contact that has or ever had it: an event whose contact a
    later delivery changes (an e-mail changed, a contact merged) is staged again. #}
recipient_loads as (
    select
        email_key,
        max(lead_loaded_at) as loaded_at
    from contact_version
    where email_key is not null
    group by email_key
),

email_events as (
    {%- if using_email %}
        {%- set email_relation = source('hubspot', 'email_event') %}
        select
            event_row.id,
            event_row.type,
            event_row.created,
            {{ staged_value('lower', 'event_row.recipient') }} as recipient_key,
            event_row.email_campaign_id,
            {{ system_lineage(email_relation, 'id', 'event_row') }}
        from {{ email_relation }} as event_row
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as id,
            cast(null as {{ dbt.type_string() }}) as type,  -- noqa: RF04
            cast(null as {{ dbt.type_timestamp() }}) as created,
            cast(null as {{ dbt.type_string() }}) as recipient_key,
            cast(null as {{ dbt.type_bigint() }}) as email_campaign_id,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at
        where 1 = 0
    {%- endif %}
),

email_clicks as (
    {%- if using_email and var('hubspot__using_email_event_click', true) %}
        select
            id,
            min(url) as url
        from {{ source('hubspot', 'email_event_click') }}
        group by id
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as id,
            cast(null as {{ dbt.type_string() }}) as url
        where 1 = 0
    {%- endif %}
),

submissions as (
    {%- if using_forms %}
        {%- set form_relation = source('hubspot', 'contact_form_submission') %}
        select
            submission.conversion_id,
            submission.contact_id,
            submission.form_id,
            submission.title,
            submission.page_url,
            submission.{{ ts }} as submitted_at,
            {{ system_lineage(form_relation, 'conversion_id', 'submission') }}
        from {{ form_relation }} as submission
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as conversion_id,
            cast(null as {{ dbt.type_bigint() }}) as contact_id,
            cast(null as {{ dbt.type_string() }}) as form_id,
            cast(null as {{ dbt.type_string() }}) as title,
            cast(null as {{ dbt.type_string() }}) as page_url,
            cast(null as {{ dbt.type_timestamp() }}) as submitted_at,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at
        where 1 = 0
    {%- endif %}
),

form_names as (
    {%- if using_forms and var('hubspot__using_form', true) %}
        select
            guid,
            min(name) as form_name
        from {{ source('hubspot', 'form') }}
        group by guid
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as guid,
            cast(null as {{ dbt.type_string() }}) as form_name
        where 1 = 0
    {%- endif %}
),

engagements as (
    {%- if using_engagements %}
        {%- set engagement_relation = source('hubspot', 'engagement') %}
        select
            engagement_row.id,
            engagement_row.type,
            engagement_row.{{ ts }} as engaged_at,
            coalesce(engagement_row.active, true) as is_active,
            {{ system_lineage(engagement_relation, 'id', 'engagement_row') }}
        from {{ engagement_relation }} as engagement_row
    {%- else %}
        select
            cast(null as {{ dbt.type_bigint() }}) as id,
            cast(null as {{ dbt.type_string() }}) as type,  -- noqa: RF04
            cast(null as {{ dbt.type_timestamp() }}) as engaged_at,
            true as is_active,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at
        where 1 = 0
    {%- endif %}
),

engaged_contacts as (
    {%- if using_engagements and var('hubspot__using_engagement_contact', true) %}
        select
            engagement_id,
            min(contact_id) as contact_id
        from {{ source('hubspot', 'engagement_contact') }}
        group by engagement_id
    {%- else %}
        select
            cast(null as {{ dbt.type_bigint() }}) as engagement_id,
            cast(null as {{ dbt.type_bigint() }}) as contact_id
        where 1 = 0
    {%- endif %}
),

touches as (
    select
        email_events.id as activity_id,
        case
            when recipient.current_contacts = 1 then recipient.current_lead_id
            when recipient.current_contacts = 0 and recipient.contacts = 1
                then recipient.any_lead_id
        end as lead_id,
        case
            when recipient.email_key is null then 'no_contact_for_recipient'
            when
                recipient.current_contacts > 1
                or (recipient.current_contacts = 0 and recipient.contacts > 1)
                then 'ambiguous_recipient'
        end as no_lead_reason,
        email_events.type as vendor_type,
        cast(null as {{ dbt.type_string() }}) as detail,
        email_events.created as occurred_at,
        cast(email_events.email_campaign_id as {{ dbt.type_string() }}) as campaign_id,
        email_clicks.url,
        true as is_active,
        'email_event' as _source_table,
        email_events._source_file,
        email_events._source_line,
        greatest(
            email_events._loaded_at,
            coalesce(recipient_loads.loaded_at, email_events._loaded_at)
        ) as _loaded_at
    from email_events
    left join contact_by_email as recipient
        on email_events.recipient_key = recipient.email_key
    left join recipient_loads
        on email_events.recipient_key = recipient_loads.email_key
    left join email_clicks
        on email_events.id = email_clicks.id
    union all
    select
        submissions.conversion_id as activity_id,
        cast(submissions.contact_id as {{ dbt.type_string() }}) as lead_id,
        cast(null as {{ dbt.type_string() }}) as no_lead_reason,
        'Form Submission' as vendor_type,
        coalesce(form_names.form_name, submissions.title) as detail,
        submissions.submitted_at as occurred_at,
        {{ url_parameter('submissions.page_url', 'utm_campaign') }} as campaign_id,
        nullif({{ dbt.split_part('submissions.page_url', "'?'", 1) }}, '') as url,
        true as is_active,
        'contact_form_submission' as _source_table,
        submissions._source_file,
        submissions._source_line,
        submissions._loaded_at
    from submissions
    left join form_names
        on submissions.form_id = form_names.guid
    union all
    select
        cast(engagements.id as {{ dbt.type_string() }}) as activity_id,
        cast(engaged_contacts.contact_id as {{ dbt.type_string() }}) as lead_id,
        case when engaged_contacts.contact_id is null then 'not_on_a_lead' end as no_lead_reason,
        engagements.type as vendor_type,
        cast(null as {{ dbt.type_string() }}) as detail,
        engagements.engaged_at as occurred_at,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as url,
        engagements.is_active,
        'engagement' as _source_table,
        engagements._source_file,
        engagements._source_line,
        engagements._loaded_at
    from engagements
    left join engaged_contacts
        on engagements.id = engaged_contacts.engagement_id
),

typed as (
    {{ system_activity_types('touches', 'hubspot') }}
),

final as (
    select
        touches.activity_id,
        touches.lead_id,
        typed.activity_type,
        touches.occurred_at,
        touches.campaign_id,
        touches.url,
        touches._source_table,
        case
            when typed.activity_type = 'not_an_activity' then 'not_an_activity'
            when not touches.is_active then 'deleted_in_source'
            when touches.lead_id is null then coalesce(touches.no_lead_reason, 'not_on_a_lead')
        end as _excluded_reason,
        touches._source_file,
        touches._source_line,
        touches._loaded_at
    from touches
    inner join typed
        on touches.activity_id = typed.activity_id
)

select * from final
