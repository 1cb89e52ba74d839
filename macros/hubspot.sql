{#- HubSpot's numemployees (docs/sources.md, HubSpot): a number ('250', '1,200'), or a range of
    HubSpot's default picklist ('25-50', '1000+'), which gives its lower bound. Anything else is
    null (src_hubspot__leads keeps the value as delivered; quality.rpt_unmapped_values lists
    it). -#}
{% macro hubspot_employee_count(column) -%}
    {{ return(adapter.dispatch('hubspot_employee_count', 'lead_funnel')(column)) }}
{%- endmacro %}

{% macro default__hubspot_employee_count(column) -%}
    case
        when replace(trim({{ column }}), ',', '') ~ '^[0-9]{1,12} *([-–] *[0-9]{1,12}|[+])?$'
            then cast(substring(replace(trim({{ column }}), ',', '') from '^[0-9]+') as bigint)
    end
{%- endmacro %}

{% macro duckdb__hubspot_employee_count(column) -%}
    case
        when regexp_full_match(
                replace(trim({{ column }}), ',', ''), '[0-9]{1,12} *([-–] *[0-9]{1,12}|[+])?'
            )
            then cast(regexp_extract(replace(trim({{ column }}), ',', ''), '^[0-9]+') as bigint)
    end
{%- endmacro %}

{% macro spark__hubspot_employee_count(column) -%}
    case
        when replace(trim({{ column }}), ',', '') rlike '^[0-9]{1,12} *([-–] *[0-9]{1,12}|[+])?$'
            then cast(regexp_extract(replace(trim({{ column }}), ',', ''), '^([0-9]+)', 1) as bigint)
    end
{%- endmacro %}

{#- The value of a URL's query parameter `name` (utm_campaign), null when absent or empty. -#}
{% macro url_parameter(column, name) -%}
    {{ return(adapter.dispatch('url_parameter', 'lead_funnel')(column, name)) }}
{%- endmacro %}

{% macro default__url_parameter(column, name) -%}
    nullif(substring({{ column }} from '[?&]{{ name }}=([^&#]*)'), '')
{%- endmacro %}

{% macro duckdb__url_parameter(column, name) -%}
    nullif(regexp_extract({{ column }}, '[?&]{{ name }}=([^&#]*)', 1), '')
{%- endmacro %}

{% macro spark__url_parameter(column, name) -%}
    nullif(regexp_extract({{ column }}, '[?&]{{ name }}=([^&#]*)', 1), '')
{%- endmacro %}

{#- HubSpot's deal pipeline stages, one row per stage id: label, whether won, whether closed
    (won, or a win probability of 0), and when they were loaded. Empty when the connector does
    not sync deal_pipeline_stage (var hubspot__using_deal_pipeline_stage): a deal's stage is
    then its stage id, and closed and won come from the deal's hs_is_closed properties. -#}
{% macro hubspot_pipeline_stages() -%}
    {%- if var('hubspot__using_deal_pipeline_stage', true) %}
        {%- set stage_relation = source('hubspot', 'deal_pipeline_stage') %}
        select
            stage_id,
            min(label) as label,
            {{ dbt.bool_or('coalesce(closed_won, false)') }} as is_won,
            {{ dbt.bool_or('coalesce(closed_won, false) or probability = 0') }} as is_closed,
            max(_loaded_at) as loaded_at
        from (
            select
                stage_row.stage_id,
                stage_row.label,
                stage_row.closed_won,
                stage_row.probability,
                {{ system_lineage(stage_relation, 'stage_id', 'stage_row') }}
            from {{ stage_relation }} as stage_row
            where not coalesce(stage_row._fivetran_deleted, false)
        ) as stages
        group by stage_id
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as stage_id,
            cast(null as {{ dbt.type_string() }}) as label,
            cast(null as {{ dbt.type_boolean() }}) as is_won,
            cast(null as {{ dbt.type_boolean() }}) as is_closed,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at
        where 1 = 0
    {%- endif %}
{%- endmacro %}
