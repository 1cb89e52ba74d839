{#- Custom schemas are used as they are (staging, intermediate, marts, config, audit) instead of
    dbt's default "<target>_<custom>" prefixing: one warehouse file per environment already
    separates environments, and BI tools read plain `marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
