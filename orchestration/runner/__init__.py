"""Running builds: the in-process build, the one-build-at-a-time lock, stale runs and the
dbt child that dies with its parent."""
