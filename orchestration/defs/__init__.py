"""The Dagster code location's parts: assets, asset checks, jobs, schedules, sensors,
resources and the dbt project; orchestration/definitions.py assembles them."""
