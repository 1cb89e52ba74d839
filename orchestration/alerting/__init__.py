"""Alerting: alerts, the daily digest, run history and the failing keys of a check."""
