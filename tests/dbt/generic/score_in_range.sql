{#- A score stays within [min_value, max_value] (default [0, 100]); nulls are not_null's job. -#}
{% test score_in_range(model, column_name, min_value=0, max_value=100) %}

select {{ column_name }} as out_of_range_value
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}

{% endtest %}
