"""Executors: run a :class:`~narrascope.scale.stage.Stage` over a stream of batches.

Every executor has ``map(batches) -> iterator of result batches`` in input order and is a
context manager (``close`` tears the workers down).  :func:`make_executor` picks one by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from narrascope.errors import Codes, ConfigError
from narrascope.scale.stage import Stage

__all__ = ["Executor", "make_executor", "ENGINES"]

ENGINES = ("local", "multiprocess", "ray")

Batch = list[dict[str, Any]]


class Executor(Protocol):
    name: str
    workers: int

    def map(self, batches: Iterable[Batch]) -> Iterator[Batch]: ...

    def close(self) -> None: ...

    def __enter__(self) -> "Executor": ...

    def __exit__(self, *exc: object) -> None: ...


def make_executor(engine: str, stage: Stage, *, workers: int = 1, address: str | None = None) -> Executor:
    """``local`` (one process), ``multiprocess`` (``workers`` processes) or ``ray`` (a cluster at ``address``)."""
    if engine == "local":
        from narrascope.scale.executors.local import LocalExecutor

        return LocalExecutor(stage)
    if engine == "multiprocess":
        from narrascope.scale.executors.multiprocess import MultiprocessExecutor

        return MultiprocessExecutor(stage, workers=workers)
    if engine == "ray":
        from narrascope.scale.executors.ray import RayExecutor

        return RayExecutor(stage, workers=workers, address=address)
    raise ConfigError(
        f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}", code=Codes.BAD_CONFIG, source="--engine"
    )
