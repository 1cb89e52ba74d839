{#- The tables of each source system (docs/sources.md). In a file of their own: sqlfluff's
    jinja templater returns a macro's value (dbt's return()) only across macro files. -#}

{#- The canonical tables each system provides (a src_<system>__<table> model each). -#}
{% macro system_tables() -%}
    {{ return({
        'salesforce': [
            'leads', 'lead_status_history', 'accounts', 'opportunities',
            'opportunity_stage_history', 'activities', 'campaigns',
        ],
        'hubspot': [
            'leads', 'lead_status_history', 'accounts', 'opportunities',
            'opportunity_stage_history', 'activities',
        ],
        'marketo': ['leads', 'activities', 'campaigns'],
    }) }}
{%- endmacro %}

{#- The raw tables of each system (orchestration/ingestion/systems.py; a test checks that
    they agree). -#}
{% macro system_source_tables() -%}
    {{ return({
        'salesforce': [
            'lead', 'lead_history', 'account', 'opportunity', 'opportunity_contact_role',
            'opportunity_history', 'campaign', 'task', 'event',
        ],
        'hubspot': [
            'contact', 'contact_property_history', 'contact_merge_audit', 'company', 'deal',
            'deal_pipeline_stage', 'deal_stage', 'deal_contact', 'deal_company', 'email_event',
            'email_event_click', 'contact_form_submission', 'form', 'engagement',
            'engagement_contact',
        ],
        'marketo': [
            'lead', 'program', 'campaign', 'activity_visit_webpage', 'activity_fill_out_form',
            'activity_open_email', 'activity_click_email', 'activity_email_bounced',
            'activity_unsubscribe_email', 'activity_change_status_in_progression',
            'activity_delete_lead', 'activity_merge_leads',
        ],
    }) }}
{%- endmacro %}
