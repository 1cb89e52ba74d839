"""Ingestion: the raw landing contract and the loader that applies it."""
