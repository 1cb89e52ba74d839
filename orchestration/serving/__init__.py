"""Serving readers: the published snapshot and the funnel report printed from it."""
