{#- Passes when a vocabulary seed is unambiguous: no two rows whose values (`column_name`) have
    one vocabulary key (macro vocabulary_key: lower-case, accents stripped, only letters and
    digits) give different canonical values (`canonical_column`), per `source_system` when the
    seed has one. Two spellings of one key with one canonical value are fine ('U.S.A.' and
    'USA'). Returns one row per ambiguous key, with its canonical values. -#}
{% test unambiguous_vocabulary(model, column_name, canonical_column, source_system=none) %}

with

spellings as (
    select
        {{ source_system if source_system else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
            as source_system,
        {{ vocabulary_key(column_name) }} as vocabulary_key,
        {{ canonical_column }} as canonical_value
    from {{ model }}
),

ambiguous as (
    select
        source_system,
        vocabulary_key,
        count(distinct canonical_value) as canonical_values,
        min(canonical_value) as first_canonical_value,
        max(canonical_value) as last_canonical_value
    from spellings
    where vocabulary_key is not null
    group by source_system, vocabulary_key
    having count(distinct canonical_value) > 1
)

select * from ambiguous

{% endtest %}
