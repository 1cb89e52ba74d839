"""The demo-data generator: a realistic, deterministic landing zone."""

from orchestration.generator.core import MANIFEST_NAME, generate

__all__ = ["MANIFEST_NAME", "generate"]
