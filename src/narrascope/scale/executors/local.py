"""Run the stage in this process (one worker)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from narrascope.scale.stage import Stage

__all__ = ["LocalExecutor"]


class LocalExecutor:
    name = "local"
    workers = 1

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self._ready = False

    def map(self, batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        for batch in batches:
            if not self._ready:
                self.stage.setup()
                self._ready = True
            yield self.stage.process_batch(batch)

    def close(self) -> None:
        if self._ready:
            self.stage.teardown()
            self._ready = False

    def __enter__(self) -> "LocalExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
