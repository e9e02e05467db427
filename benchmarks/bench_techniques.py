"""Technique inference cost per article, on top of the sentence vectors other components compute.

Usage::

    python benchmarks/bench_techniques.py [--docs DIR] [--limit N] [--repeat R]

DIR defaults to the EN raw documents of the SemEval-2025 Task 10 training release. The articles
are first run through language, entities and embeddings (not timed); then the ``techniques``
component alone is timed over all of them (``repeat`` passes, best pass reported), so the number is
what techniques *adds* to a pipeline that already has sentences and sentence vectors.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

from narrascope.api_functions import load_pipeline
from narrascope.config.settings import load_settings
from narrascope.doc import Article
from narrascope.ingest.readers import read_paths
from narrascope.pipeline.registry import default_registry

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NARRASCOPE_SHARED", REPO.parent / "shared"))
DEFAULT_DOCS = SHARED / "data/semeval2025-task10/target_4_December_release/EN/raw-documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    settings = load_settings(overrides=['pipeline.components=["language", "entities", "embeddings"]'], env={})
    pipeline = load_pipeline(settings)
    articles = [a for a in read_paths([args.docs], settings.ingest) if isinstance(a, Article)][: args.limit]
    articles = [a for a in pipeline.pipe(articles) if a.language == "en"]
    t0 = time.perf_counter()
    component = default_registry().create("techniques", dict(settings.components.get("techniques", {})))
    load_s = time.perf_counter() - t0
    words = sum(len(a.text.split()) for a in articles)
    sentences = sum(len(a.sentences) for a in articles)
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        component.set_annotations(articles, component.predict(articles))
        best = min(best, time.perf_counter() - t0)
    spans = sum(len(a.techniques) for a in articles)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| machine | {platform.processor() or platform.machine()}, {os.cpu_count()} cores |")
    print(f"| articles (EN) | {len(articles)} ({words / len(articles):.0f} words, {sentences / len(articles):.1f} sentences on average) |")
    print(f"| model load | {load_s * 1000:.0f} ms |")
    print(f"| techniques, per article (best of {args.repeat}) | {best / len(articles) * 1000:.1f} ms |")
    print(f"| technique spans per article | {spans / len(articles):.1f} |")
    print(f"| peak RSS (whole process) | {rss_mb:.0f} MB |")


if __name__ == "__main__":
    main()
