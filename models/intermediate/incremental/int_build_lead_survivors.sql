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
-- The merge resolution the lead-keyed incremental models were built with: the surviving lead of
-- every lead. The next build compares it with the current resolution to find the leads whose
-- rows moved to another surviving lead (int_leads_touched).
select
    lead_id,
    surviving_lead_id
from {{ ref('int_leads_checked') }}
