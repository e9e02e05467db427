"""Run the stage in ``workers`` processes; each builds its pipeline once, the parent does all writing.

Processes are started with ``spawn`` (no forked model or thread state); at most
``2 * workers`` batches are in flight, so the input is streamed, not read up front.
Results come back in input order.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from narrascope.errors import Codes, PipelineError
from narrascope.scale.stage import Stage

__all__ = ["MultiprocessExecutor"]

_WORKER_STAGE: Stage | None = None  # one per worker process, set by _init_worker


def _init_worker(stage: Stage) -> None:
    global _WORKER_STAGE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it stops the pool)
    stage.setup()
    _WORKER_STAGE = stage


def _process(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert _WORKER_STAGE is not None, "worker was not initialised"
    return _WORKER_STAGE.process_batch(batch)


class MultiprocessExecutor:
    name = "multiprocess"

    def __init__(self, stage: Stage, *, workers: int = 2) -> None:
        if workers < 1:
            raise PipelineError(f"workers must be at least 1, not {workers}", code=Codes.BAD_CONFIG, source="--workers")
        self.stage = stage
        self.workers = workers
        self._pool: Any = None

    def _start(self) -> Any:
        if self._pool is None:
            ctx = mp.get_context("spawn")
            self._pool = ctx.Pool(self.workers, initializer=_init_worker, initargs=(self.stage,))
        return self._pool

    def map(self, batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        window: deque[Any] = deque()
        it = iter(batches)
        exhausted = False
        while True:
            while not exhausted and len(window) < 2 * self.workers:
                try:
                    batch = next(it)
                except StopIteration:
                    exhausted = True
                    break
                window.append(self._start().apply_async(_process, (batch,)))
            if not window:
                return
            yield window.popleft().get()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> "MultiprocessExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
