-- MQL definition versions must not overlap in time: for any two versions, one ends (exclusive)
-- at or before the other starts. An open-ended version (effective_to null) runs forever.
with

mql_definitions as (
    select * from {{ ref('mql_definitions') }}
),

overlapping as (
    select
        earlier.definition_version as earlier_version,
        later.definition_version as later_version
    from mql_definitions as earlier
    inner join mql_definitions as later
        on
            earlier.effective_from < later.effective_from
            and (earlier.effective_to is null or earlier.effective_to > later.effective_from)
)

select * from overlapping
