{{ config(materialized='table') }}
-- depends_on: {{ ref('int_lead_activity_timeline') }}
-- depends_on: {{ ref('int_score_events_decayed') }}
-- depends_on: {{ ref('int_leads_fit_scored') }}
-- depends_on: {{ ref('int_activities_checked') }}
-- depends_on: {{ ref('int_lead_last_score_events') }}
-- depends_on: {{ ref('int_mql_episodes') }}
-- depends_on: {{ ref('fct_lead_score_events') }}
-- depends_on: {{ ref('fct_mql_events') }}
-- depends_on: {{ ref('fct_lead_funnel') }}
-- depends_on: {{ ref('dim_leads') }}
-- depends_on: {{ ref('fct_funnel_conversion') }}
-- depends_on: {{ ref('rpt_speed_to_lead') }}
-- depends_on: {{ ref('rpt_funnel_health') }}
-- depends_on: {{ ref('fct_account_qualification') }}
-- depends_on: {{ ref('rpt_mql_definition_backtest') }}
-- depends_on: {{ ref('rpt_reconciliation') }}
-- depends_on: {{ ref('rpt_events_after_as_of') }}
-- The state an incremental build leaves for the next one (one row): raw rows loaded up to
-- loaded_through are in the lead-keyed models, scored as of as_of_at, by the project whose
-- fingerprint this is. Built after every lead-keyed incremental model and every mart and
-- report (the depends_on above), so a build in which any of them or their tests fails leaves
-- the previous watermark, and the next build redoes the leads.
select
    int_load_window.loaded_through,
    int_as_of.as_of_at,
    int_load_window.fingerprint
from {{ ref('int_load_window') }} as int_load_window
cross join {{ ref('int_as_of') }} as int_as_of
