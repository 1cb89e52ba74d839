"""Jobs, schedules, sensors and the funnel summary asset of the code location.

Each lives in a module of its own (jobs, schedules, sensors, alerts, summary); this module only
collects them for definitions.py.
"""

from __future__ import annotations

from orchestration.jobs import funnel_refresh_job, warning_digest_job
from orchestration.schedules import build_schedules
from orchestration.sensors import build_sensors
from orchestration.summary import funnel_summary

JOBS: list = [funnel_refresh_job, warning_digest_job]
SCHEDULES: list = build_schedules()
SENSORS: list = build_sensors()
SUMMARY_ASSETS: list = [funnel_summary]
