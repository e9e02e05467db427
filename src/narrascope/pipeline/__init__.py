"""Pipeline container, component contract and registry."""

from narrascope.pipeline.component import Component
from narrascope.pipeline.pipeline import Pipeline
from narrascope.pipeline.registry import Registry, default_registry

__all__ = ["Component", "Pipeline", "Registry", "default_registry"]
