"""The Ray executor's watchdog on its own (no Ray needed): a head that stops answering interrupts the main
thread with the clear C004 failure, also where SIGINT is ignored, and the wake-up signal's handler is
given back afterwards."""

from __future__ import annotations

import signal
import socket
import threading
import time

import pytest

from narrascope.errors import Codes
from narrascope.scale.executors.ray import RayExecutor

from ray_cluster import free_port as _closed_port  # a port nothing listens on

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGUSR2"), reason="needs POSIX signals")


@pytest.fixture
def sigint_ignored():  # noqa: ANN201 - a fixture
    """SIGINT as a background job started from a script inherits it."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    yield
    signal.signal(signal.SIGINT, previous)


def test_lost_head_interrupts_the_main_thread_even_with_sigint_ignored(sigint_ignored: None) -> None:
    before = signal.getsignal(signal.SIGUSR2)
    executor = RayExecutor(stage=None, address=f"127.0.0.1:{_closed_port()}")  # type: ignore[arg-type]
    executor._start_watchdog(grace=0.5)
    assert signal.getsignal(signal.SIGUSR2) is not before
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        while time.monotonic() - started < 20:
            time.sleep(0.05)  # the run's main thread, waiting on the cluster
    assert time.monotonic() - started < 20
    assert executor.failure is not None and executor.failure.code == Codes.CLUSTER
    assert "went away" in str(executor.failure) and "resume" in str(executor.failure)
    executor.close()
    assert signal.getsignal(signal.SIGUSR2) == before


def test_a_head_that_answers_never_interrupts_and_close_restores_the_handler() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        before = signal.getsignal(signal.SIGUSR2)
        executor = RayExecutor(stage=None, address=f"127.0.0.1:{server.getsockname()[1]}")  # type: ignore[arg-type]
        executor._start_watchdog(grace=0.5)
        time.sleep(2.5)  # several checks, each one answered
        assert executor.failure is None
        executor.close()
        assert signal.getsignal(signal.SIGUSR2) == before


def test_outside_the_main_thread_nothing_is_signalled() -> None:
    before = signal.getsignal(signal.SIGUSR2)
    executor = RayExecutor(stage=None, address=f"127.0.0.1:{_closed_port()}")  # type: ignore[arg-type]
    thread = threading.Thread(target=executor._start_watchdog, kwargs={"grace": 0.5})
    thread.start()
    thread.join()
    assert signal.getsignal(signal.SIGUSR2) == before  # no handler could be set from that thread
    deadline = time.monotonic() + 10
    while executor.failure is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the failure is still recorded, for the run to raise when Ray gives up
    assert executor.failure is not None and executor.failure.code == Codes.CLUSTER
    executor.close()
