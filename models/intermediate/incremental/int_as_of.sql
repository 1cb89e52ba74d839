{{ config(materialized='table') }}
{%- set as_of = var('as_of', none) %}
{%- set as_of_at = "coalesce(cast('" ~ as_of ~ "' as " ~ dbt.type_timestamp()
    ~ "), max(occurred_at))" if as_of else 'max(occurred_at)' %}
-- The scoring and funnel time reference of this build (one row): var as_of when set, else the
-- latest good activity. A table, so that the models that cut their history here
-- (macro as_of_timestamp) read one row instead of each scanning every activity for the maximum.
select {{ as_of_at }} as as_of_at
from {{ ref('stg_marketing__activities') }}
