{#- The model holds exactly one row (the control models whose grain is the build). Fails with
    the row count when it holds none or several. -#}
{% test exactly_one_row(model) %}
    select rows_found
    from (select count(*) as rows_found from {{ model }}) as counted
    where rows_found <> 1
{% endtest %}
