-- One row per account with at least one surviving lead: account-level qualification (MQA).
-- An account qualifies at the first moment t at which at least min_people of its people each had
-- an activity with engagement >= min_engagement_score in [t - window_days, t] (seed
-- account_qualification_rules), followed by the account's pipeline from that moment on.
--
-- Cost stays near-linear: the score ledger is reduced to one row per engaged lead-day (its first
-- and last engaged moment, which is all the window test needs; int_account_engaged_lead_days,
-- incremental by lead) before the one self-join, and only the lead-days on which a person
-- enters the window afresh are tried as qualifying moments.
with

int_leads_resolved as (
    select * from {{ ref('int_leads_resolved') }}
),

stg_crm__accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

int_opportunities_resolved as (
    select * from {{ ref('int_opportunities_resolved') }}
),

account_qualification_rules as (
    select * from {{ ref('account_qualification_rules') }}
),

int_account_engaged_lead_days as (
    select * from {{ ref('int_account_engaged_lead_days') }}
),

account_leads as (
    select
        lead_id,
        account_id
    from int_leads_resolved
    where account_id is not null
),

engaged_lead_days_sequenced as (
    select
        account_id,
        lead_id,
        day_number,
        first_engaged_at,
        first_engaged_epoch,
        last_engaged_epoch,
        lag(last_engaged_epoch) over (
            partition by lead_id
            order by day_number
        ) as previous_engaged_epoch
    from int_account_engaged_lead_days
),

-- The count of engaged people in the window ending at t only rises when a person enters it
-- afresh: at an engaged event with no engaged event of the same person in the W days before.
-- The earliest qualifying t is therefore the first engaged moment of one of these lead-days.
window_entries as (
    select
        engaged_lead_days_sequenced.account_id,
        engaged_lead_days_sequenced.lead_id,
        engaged_lead_days_sequenced.first_engaged_at as candidate_at,
        engaged_lead_days_sequenced.first_engaged_epoch as candidate_epoch
    from engaged_lead_days_sequenced
    cross join account_qualification_rules
    where
        engaged_lead_days_sequenced.previous_engaged_epoch is null
        or engaged_lead_days_sequenced.previous_engaged_epoch
        < engaged_lead_days_sequenced.first_engaged_epoch
        - account_qualification_rules.window_days * 86400.0
),

people_in_window as (
    select
        window_entries.account_id,
        window_entries.candidate_at,
        count(distinct int_account_engaged_lead_days.lead_id) as engaged_people_in_window
    from window_entries
    cross join account_qualification_rules
    inner join int_account_engaged_lead_days
        on
            window_entries.account_id = int_account_engaged_lead_days.account_id
            and window_entries.candidate_epoch >= int_account_engaged_lead_days.first_engaged_epoch
            and window_entries.candidate_epoch
            - account_qualification_rules.window_days * 86400.0
            <= int_account_engaged_lead_days.last_engaged_epoch
    group by window_entries.account_id, window_entries.candidate_at
),

qualifying_moments as (
    select
        people_in_window.account_id,
        people_in_window.candidate_at,
        people_in_window.engaged_people_in_window
    from people_in_window
    cross join account_qualification_rules
    where people_in_window.engaged_people_in_window >= account_qualification_rules.min_people
),

first_qualification as (
    select
        account_id,
        min(candidate_at) as qualified_at
    from qualifying_moments
    group by account_id
),

qualification as (
    select
        first_qualification.account_id,
        first_qualification.qualified_at,
        max(qualifying_moments.engaged_people_in_window) as people_at_qualification
    from first_qualification
    inner join qualifying_moments
        on
            first_qualification.account_id = qualifying_moments.account_id
            and first_qualification.qualified_at = qualifying_moments.candidate_at
    group by first_qualification.account_id, first_qualification.qualified_at
),

account_people as (
    select
        account_id,
        count(*) as leads
    from account_leads
    group by account_id
),

engaged_people as (
    select
        account_id,
        count(distinct lead_id) as engaged_people
    from int_account_engaged_lead_days
    group by account_id
),

account_opportunities as (
    select
        account_people.account_id,
        count(int_opportunities_resolved.opportunity_id) as all_time_opportunities,
        sum(int_opportunities_resolved.amount) as all_time_pipeline_amount,
        count(
            case
                when int_opportunities_resolved.is_won
                    then int_opportunities_resolved.opportunity_id
            end
        ) as all_time_won_deals,
        sum(
            case when int_opportunities_resolved.is_won then int_opportunities_resolved.amount end
        ) as all_time_won_amount,
        count(
            case
                when int_opportunities_resolved.opportunity_created_at >= qualification.qualified_at
                    then int_opportunities_resolved.opportunity_id
            end
        ) as opportunities,
        sum(
            case
                when int_opportunities_resolved.opportunity_created_at >= qualification.qualified_at
                    then int_opportunities_resolved.amount
            end
        ) as pipeline_amount,
        count(
            case
                when
                    int_opportunities_resolved.opportunity_created_at >= qualification.qualified_at
                    and int_opportunities_resolved.is_won
                    then int_opportunities_resolved.opportunity_id
            end
        ) as won_deals,
        sum(
            case
                when
                    int_opportunities_resolved.opportunity_created_at >= qualification.qualified_at
                    and int_opportunities_resolved.is_won
                    then int_opportunities_resolved.amount
            end
        ) as won_amount
    from account_people
    inner join int_opportunities_resolved
        on account_people.account_id = int_opportunities_resolved.account_id
    left join qualification
        on account_people.account_id = qualification.account_id
    group by account_people.account_id
),

final as (
    select
        account_people.account_id,
        stg_crm__accounts.account_name,
        stg_crm__accounts.industry,
        account_qualification_rules.rule_version,
        cast(account_people.leads as bigint) as leads,
        cast(coalesce(engaged_people.engaged_people, 0) as bigint) as engaged_people,
        qualification.qualified_at is not null as is_qualified,
        qualification.qualified_at,
        cast(qualification.qualified_at as date) as qualified_date,
        cast(qualification.people_at_qualification as bigint) as people_at_qualification,
        cast(coalesce(account_opportunities.opportunities, 0) as bigint) as opportunities,
        cast(coalesce(account_opportunities.pipeline_amount, 0) as double precision)
            as pipeline_amount,
        cast(coalesce(account_opportunities.won_deals, 0) as bigint) as won_deals,
        cast(coalesce(account_opportunities.won_amount, 0) as double precision) as won_amount,
        cast(coalesce(account_opportunities.all_time_opportunities, 0) as bigint)
            as all_time_opportunities,
        cast(coalesce(account_opportunities.all_time_pipeline_amount, 0) as double precision)
            as all_time_pipeline_amount,
        cast(coalesce(account_opportunities.all_time_won_deals, 0) as bigint)
            as all_time_won_deals,
        cast(coalesce(account_opportunities.all_time_won_amount, 0) as double precision)
            as all_time_won_amount
    from account_people
    cross join account_qualification_rules
    left join stg_crm__accounts
        on account_people.account_id = stg_crm__accounts.account_id
    left join engaged_people
        on account_people.account_id = engaged_people.account_id
    left join qualification
        on account_people.account_id = qualification.account_id
    left join account_opportunities
        on account_people.account_id = account_opportunities.account_id
)

select * from final
