"""The Ray engine on a real local cluster (head + worker node on loopback): same results as local; a lost
cluster is a clear error and the run resumes later without loss.

Every Ray driver here runs in a child process, never in the test process. In one CI run the whole
test run ended with a segmentation fault inside this test (exit 139, no traceback; six runs of it here
passed), and the Ray driver it then ran inside the test process (native core-worker threads beside
the torch and onnxruntime that earlier tests had loaded) was the one native part of it that no other
test runs. A crash in a child fails this test alone, with the child's stderr and faulthandler's traceback."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# find_spec, not importorskip: Ray's native library is not even loaded into the test process
if importlib.util.find_spec("ray") is None:
    pytest.skip("the Ray tests need the 'ray' extra: pip install 'narrascope[ray]'", allow_module_level=True)

from narrascope.scale import run_corpus  # noqa: E402
from narrascope.store import SQLiteStore  # noqa: E402

from ray_cluster import LocalRayCluster, start_cluster  # noqa: E402
from scale_helpers import settings_for  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster() -> Iterator[LocalRayCluster]:
    running = start_cluster()
    try:
        yield running
    finally:
        running.stop()


def _records(db: Path) -> list[dict]:
    with SQLiteStore(db) as store:
        return [a.model_dump(mode="json") for a in store.iter_articles()]


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


_API_RUN = """
import dataclasses, json, sys
from pathlib import Path
from narrascope.scale import run_corpus
from narrascope.store import SQLiteStore

corpus, db, address, helpers = sys.argv[1:5]
sys.path.insert(0, helpers)
from scale_helpers import settings_for

with SQLiteStore(db) as store:
    summary = run_corpus([corpus], store=store, settings=settings_for(Path(db), ["language", "entities"], 4),
                         engine="ray", workers=2, address=address)
print(json.dumps(dataclasses.asdict(summary), default=str))
"""


def _api_run_in_child(corpus: Path, db: Path, address: str) -> dict:
    """``run_corpus(engine="ray")`` (the Python API) in a child process; its summary as a dict."""
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", _API_RUN, str(corpus), str(db), address, str(Path(__file__).parent)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, f"the API run ended with {done.returncode}:\n{done.stderr[-4000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_ray_run_equals_local_run_then_a_lost_cluster_is_a_clear_error(
    tmp_path: Path, make_jsonl, cluster: LocalRayCluster
) -> None:
    corpus = make_jsonl("c.jsonl", 0, 12)
    local_db, ray_db = tmp_path / "local.db", tmp_path / "ray.db"
    with SQLiteStore(local_db) as store:
        run_corpus([corpus], store=store, settings=settings_for(local_db, ["language", "entities"], 4))
    summary = _api_run_in_child(corpus, ray_db, cluster.address)
    assert (summary["engine"], summary["analysed"], summary["inserted"]) == ("ray", 12, 12)
    assert _records(ray_db) == _records(local_db)

    # the cluster goes away mid-run: a clear error, whole batches kept, and a later run resumes
    big = make_jsonl("big.jsonl", 0, 200)
    db = tmp_path / "lost.db"
    args = [
        sys.executable, "-c", "from narrascope.cli.main import main; main()", "run", str(big), "--db", str(db),
        "--engine", "ray", "--address", cluster.address, "--workers", "2", "--json",
        "--set", 'pipeline.components=["language","entities"]', "--set", "pipeline.batch_size=4",
    ]
    # as a background job started from a script runs: SIGINT ignored (the watchdog must not need it)
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    deadline = time.time() + 180
    while _count(db) < 8 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the Ray run ended before the cluster could be stopped"
    os.killpg(cluster.head.pid, signal.SIGKILL)
    os.killpg(cluster.worker.pid, signal.SIGKILL)
    try:
        _, err = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the run did not stop within 180 s after the cluster went away")
    kept = _count(db)
    assert proc.returncode != 0
    assert "[C004]" in err and "Ray cluster" in err and "resume" in err, err[-2000:]
    assert 0 < kept < 200 and kept % 4 == 0
    with SQLiteStore(db) as store:
        resumed = run_corpus([big], store=store, settings=settings_for(db, ["language", "entities"], 4))
        assert store.count() == 200
    assert (resumed.skipped, resumed.analysed) == (kept, 200 - kept)
