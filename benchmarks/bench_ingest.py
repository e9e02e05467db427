"""Ingest + entities throughput: read, clean, identify language, find entities, store.

Usage::

    python benchmarks/bench_ingest.py [--docs DIR] [--repeat N]

DIR defaults to the EN raw documents of the SemEval-2025 Task 10 training release.
``--repeat N`` feeds the corpus N times under fresh ids (to measure on more articles).
Prints one Markdown table row set for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from narrascope.api_functions import load_pipeline, open_store
from narrascope.config.settings import load_settings
from narrascope.doc import Article
from narrascope.ingest.readers import read_paths

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NARRASCOPE_SHARED", REPO.parent / "shared"))
DEFAULT_DOCS = SHARED / "data/semeval2025-task10/target_4_December_release/EN/raw-documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--components", default="language,entities")
    args = parser.parse_args()

    components = [c for c in args.components.split(",") if c]
    settings = load_settings(overrides=[f"pipeline.components={components!r}".replace("'", '"')], env={})
    t0 = time.perf_counter()
    pipeline = load_pipeline(settings)
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    base = [a for a in read_paths([args.docs], settings.ingest) if isinstance(a, Article)]
    read_s = time.perf_counter() - t0
    words = sum(len(a.text.split()) for a in base)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        load_before = [round(x, 2) for x in os.getloadavg()]
        t0 = time.perf_counter()
        c0 = time.process_time()
        n = 0
        for r in range(args.repeat):
            # fresh copies every round (the pipeline writes onto the articles)
            batch = [a.model_copy(deep=True, update={"id": f"{a.id}-{r}"}) for a in base]
            analysed = list(pipeline.pipe(batch, batch_size=settings.pipeline.batch_size))
            store.put(analysed)
            n += len(analysed)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
        load_after = [round(x, 2) for x in os.getloadavg()]
        store.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| components | {', '.join(components)} |")
    print(f"| articles | {n} ({len(base)} documents × {args.repeat}), {words * args.repeat:,} words |")
    print(f"| pipeline build (models load lazily, on the first batch) | {load_s:.2f} s |")
    print(f"| read + clean ({len(base)} files) | {read_s:.2f} s |")
    print(f"| analyse + store | {elapsed:.1f} s → **{n / elapsed:.1f} articles/s**, {words * args.repeat / elapsed:,.0f} words/s |")
    print(f"| CPU time, analyse + store (all threads) | {cpu:.1f} s → {1000 * cpu / n:.0f} ms/article |")
    print(f"| load average before → after | {load_before} → {load_after} |")
    print(f"| peak RSS | {rss_mb:.0f} MB |")
    print(f"| machine | {os.cpu_count()} cores, Python {platform.python_version()} |")


if __name__ == "__main__":
    main()
