"""The batch-stage contract every executor runs, whatever the backend.

A stage is built from plain data (so it can be shipped to another process or machine),
``setup()`` loads what it needs once per worker, ``process_batch`` maps article JSON
records to analysed article JSON records, and ``teardown()`` releases resources.
"""

from __future__ import annotations

import copy
import inspect
import os
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from narrascope.config.settings import Settings
from narrascope.doc import Article

__all__ = ["Stage", "PipelineStage", "StageResources"]


@dataclass(frozen=True)
class StageResources:
    """What one worker of the stage needs (executors use it to size their pools)."""

    cpus: float = 1.0
    memory_mb: int = 1500


@runtime_checkable
class Stage(Protocol):
    resources: StageResources

    def setup(self) -> None:
        """Load models etc.; called once per worker before the first batch."""
        ...

    def process_batch(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Article JSON records in, analysed article JSON records out (same order, same length)."""
        ...

    def teardown(self) -> None:
        """Release what ``setup`` loaded."""
        ...


@dataclass
class PipelineStage:
    """Runs the pipeline described by ``settings`` (a :class:`Settings` dump) on batches of records.

    Components that fail on an article mark it failed (a ``failed`` note) and the others go on,
    as in :meth:`Pipeline.pipe`.
    """

    settings: dict[str, Any]
    resources: StageResources = field(default_factory=StageResources)
    #: threads per worker for components that take a ``threads`` setting and have none configured
    threads: int | None = None
    #: extra components by name -> "module:Class" (registered on top of the built-ins in every worker)
    components: dict[str, str] = field(default_factory=dict)
    _pipeline: Any = field(default=None, init=False, repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, workers: int = 1, resources: StageResources | None = None
    ) -> "PipelineStage":
        """A stage for ``settings``; with several ``workers`` on this machine each gets its share of the cores."""
        threads = max(1, (os.cpu_count() or 1) // workers) if workers > 1 else None
        return cls(settings.model_dump(mode="json"), resources or StageResources(), threads)

    def setup(self) -> None:
        if self._pipeline is None:
            from narrascope.pipeline.pipeline import Pipeline
            from narrascope.pipeline.registry import default_registry

            data = copy.deepcopy(self.settings)
            registry = default_registry()
            for name, target in self.components.items():
                registry.register(name, target)
            if self.threads is not None:
                for name in data["pipeline"]["components"]:
                    options = data.setdefault("components", {}).setdefault(name, {})
                    if "threads" not in options and _takes_threads(registry.factory(name)):
                        options["threads"] = self.threads
            self._pipeline = Pipeline.from_settings(Settings.model_validate(data), registry=registry)

    @property
    def component_names(self) -> list[str]:
        self.setup()
        return list(self._pipeline.names)

    def process_batch(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.setup()
        articles = [Article.model_validate(record) for record in records]
        batch_size = max(1, int(self.settings["pipeline"]["batch_size"]))
        analysed = list(self._pipeline.pipe(articles, batch_size=batch_size))
        return [article.model_dump(mode="json") for article in analysed]

    def teardown(self) -> None:
        self._pipeline = None


def _takes_threads(factory: Any) -> bool:
    try:
        return "threads" in inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
