"""Great Expectations suites run as Dagster asset checks on the marts they guard."""

from __future__ import annotations

ASSET_CHECKS: list = []
