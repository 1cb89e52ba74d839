-- Every vocabulary seed (docs/sources.md, Vocabularies) is unambiguous: per source system (an
-- empty one applies to every system) no two rows whose values have one vocabulary key map to
-- different canonical values. Staging compares by that key, and a lookup keeps one row per key
-- (min()), so an ambiguous seed would map a spelling by the alphabet. Returns one row per
-- ambiguous key with its canonical values.
with

spellings as (
    select
        'channel_mapping' as vocabulary,
        cast(null as {{ dbt.type_string() }}) as source_system,
        {{ vocabulary_key('lead_source') }} as vocabulary_key,
        channel as canonical_value
    from {{ ref('channel_mapping') }}
    union all
    select
        'country_codes' as vocabulary,
        cast(null as {{ dbt.type_string() }}) as source_system,
        {{ vocabulary_key('country_value') }} as vocabulary_key,
        country_code as canonical_value
    from {{ ref('country_codes') }}
    union all
    select
        'lead_status_vocabulary' as vocabulary,
        source_system,
        {{ vocabulary_key('vendor_value') }} as vocabulary_key,
        status as canonical_value
    from {{ ref('lead_status_vocabulary') }}
    union all
    select
        'opportunity_stage_vocabulary' as vocabulary,
        source_system,
        {{ vocabulary_key('vendor_value') }} as vocabulary_key,
        stage_name as canonical_value
    from {{ ref('opportunity_stage_vocabulary') }}
),

ambiguous as (
    select
        vocabulary,
        source_system,
        vocabulary_key,
        {{ dbt.listagg('distinct canonical_value', "', '", 'order by canonical_value') }}
            as canonical_values
    from spellings
    where vocabulary_key is not null
    group by vocabulary, source_system, vocabulary_key
    having count(distinct canonical_value) > 1
)

select * from ambiguous
