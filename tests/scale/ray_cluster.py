"""Start and stop a real local Ray cluster (a head and one worker node on loopback) for the tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass


def free_port() -> int:
    """A loopback port nothing listens on (once the probing socket is closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalRayCluster:
    address: str
    head: subprocess.Popen
    worker: subprocess.Popen

    def nodes_alive(self) -> int:
        code = (
            "import ray; ray.init(address=%r, logging_level='ERROR'); "
            "print(sum(1 for n in ray.nodes() if n['Alive']))" % self.address
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        try:
            return int(out.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return 0

    def stop(self) -> None:
        for proc in (self.worker, self.head):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in (self.worker, self.head):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def start_cluster(cpus_per_node: int = 1) -> LocalRayCluster:
    ray = shutil.which("ray") or os.path.join(os.path.dirname(sys.executable), "ray")
    port = free_port()
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    common = [f"--num-cpus={cpus_per_node}", "--block", "--disable-usage-stats"]
    head = subprocess.Popen(
        [ray, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--include-dashboard=false", *common],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env,
    )
    address = f"127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    worker = subprocess.Popen(
        [ray, "start", f"--address={address}", "--node-ip-address=127.0.0.1", *common],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env,
    )
    cluster = LocalRayCluster(address, head, worker)
    while time.time() < deadline:
        if cluster.nodes_alive() >= 2:
            return cluster
        time.sleep(1)
    cluster.stop()
    raise RuntimeError(f"the local Ray cluster at {address} did not come up with 2 nodes in 60 s")
