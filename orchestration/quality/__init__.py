"""Great Expectations suites for the BI-facing marts, kept as code.

``suites`` says what must hold (pure data, importable anywhere), ``runner`` validates a
DataFrame against a suite with Great Expectations, ``warehouse`` holds the short DuckDB
connections and the row count of the previous build. Nothing here imports Great Expectations
at module import: that takes about ten seconds, and the Dagster code location (and every test
that imports it) must load fast.
"""
