"""Jobs, schedules, sensors and the funnel summary asset of the code location."""

from __future__ import annotations

JOBS: list = []
SCHEDULES: list = []
SENSORS: list = []
SUMMARY_ASSETS: list = []
