{#- What became of each MQL episode: the sales statuses reached from the MQL until the next
    recycle, and whether an opportunity from it was created and won. Shared by fct_mql_events
    (the real episodes) and the definition backtest (episodes under every definition).
    `episodes` needs lead_id, mql_at and the columns listed in `keys`.
    A status change belongs to the episode when it comes after the MQL and no later than the
    recycle that ends it, in event order (DOMAIN.md 5): at the MQL's instant status changes come
    before the activity, and at the recycle's instant the changes less far along the lifecycle
    come before it. The first sales response is the first change away from Open (seed column
    lead_statuses.is_sales_response), the ending recycle and a disqualification included. -#}
{% macro mql_episode_outcomes(episodes, status_changes, opportunities, keys) -%}
    with

    next_recycle as (
        select
            {% for key in keys %}episodes.{{ key }},{% endfor %}
            min(status_changes.status_changed_at) as episode_ended_at,
            min(status_changes.lifecycle_rank) as episode_ended_rank
        from {{ episodes }} as episodes
        inner join {{ status_changes }} as status_changes
            on
                episodes.lead_id = status_changes.lead_id
                and status_changes.status = 'recycled'
                and status_changes.status_changed_at > episodes.mql_at
        group by {% for key in keys %}episodes.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
    ),

    bounded as (
        select
            episodes.*,
            next_recycle.episode_ended_at,
            next_recycle.episode_ended_rank
        from {{ episodes }} as episodes
        left join next_recycle
            on {% for key in keys %}{% if not loop.first %}and {% endif %}episodes.{{ key }} = next_recycle.{{ key }}
            {% endfor %}
    ),

    statuses as (
        select
            {% for key in keys %}bounded.{{ key }},{% endfor %}
            min(case when status_changes.is_sales_response
                then status_changes.status_changed_at end) as first_sales_status_at,
            min(case when status_changes.status = 'accepted'
                then status_changes.status_changed_at end) as accepted_at,
            min(case when status_changes.status = 'qualified'
                then status_changes.status_changed_at end) as qualified_at,
            min(case when status_changes.status = 'converted'
                then status_changes.status_changed_at end) as converted_at,
            min(case when status_changes.status = 'disqualified'
                then status_changes.status_changed_at end) as disqualified_at
        from bounded
        inner join {{ status_changes }} as status_changes
            on
                bounded.lead_id = status_changes.lead_id
                and status_changes.status_changed_at > bounded.mql_at
                and (
                    bounded.episode_ended_at is null
                    or status_changes.status_changed_at < bounded.episode_ended_at
                    or (
                        status_changes.status_changed_at = bounded.episode_ended_at
                        and status_changes.lifecycle_rank <= bounded.episode_ended_rank
                    )
                )
        group by {% for key in keys %}bounded.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
    ),

    deals as (
        select
            {% for key in keys %}bounded.{{ key }},{% endfor %}
            min(opportunities.opportunity_created_at) as opportunity_created_at,
            max(case when opportunities.is_won then 1 else 0 end) as has_won_opportunity,
            sum(case when opportunities.is_won then opportunities.amount else 0 end) as won_amount
        from bounded
        inner join {{ opportunities }} as opportunities
            on
                bounded.lead_id = opportunities.lead_id
                and opportunities.opportunity_created_at >= bounded.mql_at
                and (
                    bounded.episode_ended_at is null
                    or opportunities.opportunity_created_at < bounded.episode_ended_at
                )
        group by {% for key in keys %}bounded.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
    )

    select
        bounded.*,
        statuses.first_sales_status_at,
        statuses.accepted_at,
        statuses.qualified_at,
        statuses.converted_at,
        statuses.disqualified_at,
        deals.opportunity_created_at,
        coalesce(deals.has_won_opportunity, 0) = 1 as is_won,
        coalesce(deals.won_amount, 0) as won_amount,
        case
            when coalesce(deals.has_won_opportunity, 0) = 1 then 'won'
            when statuses.converted_at is not null or deals.opportunity_created_at is not null
                then 'converted'
            when statuses.disqualified_at is not null then 'disqualified'
            when bounded.episode_ended_at is not null then 'recycled'
            when statuses.qualified_at is not null then 'qualified'
            when statuses.accepted_at is not null then 'accepted'
            when statuses.first_sales_status_at is not null then 'working'
            else 'open'
        end as outcome
    from bounded
    left join statuses
        on {% for key in keys %}{% if not loop.first %}and {% endif %}bounded.{{ key }} = statuses.{{ key }}
        {% endfor %}
    left join deals
        on {% for key in keys %}{% if not loop.first %}and {% endif %}bounded.{{ key }} = deals.{{ key }}
        {% endfor %}
{%- endmacro %}
