"""Run the stage on an existing Ray cluster with Ray Data (optional extra ``ray``).

Batches are gathered into chunks of ``chunk_rows`` records; each chunk is one Ray Data
dataset mapped by an actor pool of ``workers`` actors, each of which builds the pipeline
once (``setup``) and keeps it for the chunk.  Records travel as JSON strings (article
records have no fixed Arrow schema).  Order is preserved and results are handed back
batch by batch, so the caller stores them as they come; a cluster that goes away raises
PipelineError C004 and the stored batches stay stored (the next run resumes).

A lost head is noticed by a watchdog thread, which wakes the main thread with ``SIGUSR2``
and a handler of ours (installed for the run, the previous one restored after).  It does
not use ``SIGINT``: a run started in the background from a script (``narrascope run ... &``)
inherits ``SIGINT`` ignored, and the wake-up would be lost.  When the executor does not run
in the main thread (signal handlers can only be set there), nothing is signalled: the failure
is still recorded in ``failure``, and the run ends when Ray gives up on the head (about 60 s
later; Ray may then end the process itself).
"""

from __future__ import annotations

import json
import signal
import socket
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from narrascope.errors import Codes, MissingExtraError, NarrascopeError, PipelineError
from narrascope.scale.stage import Stage

__all__ = ["RayExecutor"]

#: The signal the watchdog wakes the main thread with (None where the platform has no SIGUSR2).
_WAKE_SIGNAL: signal.Signals | None = getattr(signal, "SIGUSR2", None)


def _interrupt(signum: int, frame: Any) -> None:
    """The wake-up handler: a KeyboardInterrupt in the main thread, which the run turns into the failure."""
    raise KeyboardInterrupt


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("ray", "ray") from exc
    return ray


class _StageActor:
    """A Ray Data callable class: one stage (pipeline) per actor, built once."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.stage.setup()

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        records = [json.loads(r) for r in batch["record"]]
        out = self.stage.process_batch(records)
        return {"record": [json.dumps(r, ensure_ascii=False) for r in out]}


class RayExecutor:
    name = "ray"

    def __init__(self, stage: Stage, *, workers: int = 1, address: str | None = None, chunk_rows: int = 5000) -> None:
        self.stage = stage
        self.workers = max(1, workers)
        self.address = address
        self.chunk_rows = chunk_rows
        self._connected = False
        #: set by the watchdog when the head stops answering; the run raises it
        self.failure: PipelineError | None = None
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._wake = False  # our handler is installed for _WAKE_SIGNAL
        self._previous_handler: Any = None

    def _watch(self, host: str, port: int, grace: float) -> None:
        """Ray ends the driver process itself about 60 s after its head is gone; notice it first
        (``grace`` seconds of refused connections) and interrupt the run with a clear error."""
        down_since: float | None = None
        while not self._stop.wait(1.0):
            try:
                socket.create_connection((host, port), timeout=2).close()
                down_since = None
                continue
            except OSError:
                pass
            import time

            now = time.monotonic()
            down_since = down_since if down_since is not None else now
            if now - down_since >= grace:
                self.failure = PipelineError(
                    f"the Ray cluster went away during the run (its head has not answered for {grace:.0f} s); "
                    "the batches stored so far are kept — run the same command again to resume",
                    code=Codes.CLUSTER,
                    source=self.address,
                )
                if self._wake and _WAKE_SIGNAL is not None:
                    # a real signal to the main thread: it also wakes a blocked wait, which interrupt_main() does not
                    signal.pthread_kill(threading.main_thread().ident, _WAKE_SIGNAL)  # type: ignore[arg-type]
                return

    def _start_watchdog(self, grace: float = 8.0) -> None:
        if not self.address or self._watchdog is not None:
            return
        host, _, port = self.address.rpartition(":")
        if host.startswith("ray://") or not port.isdigit():
            return
        self._stop.clear()
        if _WAKE_SIGNAL is not None and threading.current_thread() is threading.main_thread():
            self._previous_handler = signal.signal(_WAKE_SIGNAL, _interrupt)
            self._wake = True
        self._watchdog = threading.Thread(target=self._watch, args=(host, int(port), grace), daemon=True)
        self._watchdog.start()

    def _connect(self) -> Any:
        ray = _ray()
        if not self._connected:
            try:
                if not ray.is_initialized():
                    ray.init(address=self.address, log_to_driver=False, logging_level="ERROR")
            except Exception as exc:  # noqa: BLE001 - ray raises ConnectionError, RuntimeError, ...
                raise PipelineError(
                    f"cannot connect to the Ray cluster: {type(exc).__name__}: {exc}",
                    code=Codes.CLUSTER,
                    source=self.address or "ray",
                ) from exc
            ctx = ray.data.DataContext.get_current()
            ctx.execution_options.preserve_order = True
            ctx.enable_progress_bars = False
            self._connected = True
            self._start_watchdog()
        return ray

    def _run_chunk(self, batches: list[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        ray = self._connect()
        rows = [{"record": json.dumps(r, ensure_ascii=False)} for batch in batches for r in batch]
        size = max(len(b) for b in batches)
        try:
            ds = ray.data.from_items(rows).map_batches(
                _StageActor,
                fn_constructor_kwargs={"stage": self.stage},
                batch_size=size,
                compute=ray.data.ActorPoolStrategy(size=self.workers),
                num_cpus=self.stage.resources.cpus,
                batch_format="pandas",
            )
            pending = iter(batches)
            current = next(pending)
            out: list[dict[str, Any]] = []
            for part in ds.iter_batches(batch_size=None, batch_format="pandas"):
                out.extend(json.loads(r) for r in part["record"])
                while current is not None and len(out) >= len(current):
                    yield out[: len(current)]
                    out = out[len(current) :]
                    current = next(pending, None)
        except NarrascopeError:
            raise
        except KeyboardInterrupt:
            if self.failure is not None:
                raise self.failure from None
            raise
        except Exception as exc:  # noqa: BLE001 - a lost node, actor or head: report it, the run resumes later
            raise PipelineError(
                f"the Ray cluster failed or went away during the run ({type(exc).__name__}: {str(exc)[:300]}); "
                "the batches stored so far are kept — run the same command again to resume",
                code=Codes.CLUSTER,
                source=self.address or "ray",
            ) from exc
        if current is not None:
            raise PipelineError(
                "the Ray cluster returned fewer records than it was given", code=Codes.CLUSTER, source=self.address or "ray"
            )

    def map(self, batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        chunk: list[list[dict[str, Any]]] = []
        rows = 0
        for batch in batches:
            chunk.append(batch)
            rows += len(batch)
            if rows >= self.chunk_rows:
                yield from self._run_chunk(chunk)
                chunk, rows = [], 0
        if chunk:
            yield from self._run_chunk(chunk)

    def _stop_watchdog(self) -> None:
        """Stop the watchdog, then give the wake-up signal back its previous handler."""
        self._stop.set()
        if self._watchdog is not None:
            self._watchdog.join(timeout=10)  # it checks every second; a connection attempt takes at most 2 s
            if self._watchdog.is_alive():
                return  # keep our handler: a late wake-up must not meet the default action (end the process)
            self._watchdog = None
        if self._wake and _WAKE_SIGNAL is not None and threading.current_thread() is threading.main_thread():
            previous = self._previous_handler
            signal.signal(_WAKE_SIGNAL, previous if previous is not None else signal.SIG_DFL)
            self._wake = False

    def close(self) -> None:
        self._stop_watchdog()
        if self._connected:
            try:
                if self.failure is None:  # with the head gone, shutdown would wait for it
                    _ray().shutdown()
            finally:
                self._connected = False

    def __enter__(self) -> "RayExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
