{#- Passes when `expression` holds for every row :
    returns the rows where it is false or null. Usable on a model or on a column (the
    column name is then ignored: the expression says what to check). -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
