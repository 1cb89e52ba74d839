"""Lead-funnel warehouse: loader, generator, Dagster code location."""
