"""Speed of the ``narratives`` component per article, on real EN articles.

Usage::

    python benchmarks/bench_narratives.py [--docs DIR] [--n N] [--repeat R] [--threads T]

DIR defaults to the EN raw documents of the SemEval-2025 Task 10 training release; the
first N files (sorted by name) are used.  Sentences (spaCy) and sentence vectors (the
shared encoder, as the ``embeddings`` component leaves them) are prepared first, outside
the timing.  Timed, per article:

* ``narratives`` — what the component adds in a pipeline that already has sentence
  vectors: features, heads, decoding, evidence, explanation (``component.pipe``, batch 16);
* ``narratives + own embedding`` — the same when no ``embeddings`` component ran before
  (the component embeds the sentences itself);
* ``encoder only`` — the shared sentence-embedding cost, for reference.

Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NARRASCOPE_SHARED", REPO.parent / "shared"))
DEFAULT_DOCS = SHARED / "data/semeval2025-task10/target_4_December_release/EN/raw-documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    from narrascope.components.narratives import NarrativeClassifier
    from narrascope.doc import Article
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.narratives.embedding import embed_sentences
    from narrascope.narratives.segment import SentenceSplitter

    paths = sorted(args.docs.glob("*.txt"))[: args.n]
    texts = [p.read_bytes().decode("utf-8") for p in paths]
    spans = SentenceSplitter()(texts)
    encoder = SentenceEncoder.load(threads=args.threads)

    def articles(with_vectors: bool) -> list[Article]:
        out = []
        for i, (text, sents) in enumerate(zip(texts, spans)):
            a = Article(id=str(i), raw_text=text, text=text, language="en", sentences=sents)
            if with_vectors:
                a.set_vectors("sentences", vectors[i])
            out.append(a)
        return out

    t0 = time.perf_counter()
    vectors = [embed_sentences(encoder, [s.text for s in sents]) for sents in spans]
    encode_s = time.perf_counter() - t0

    component = NarrativeClassifier()
    component._encoder = encoder  # same thread setting as the encoder timing
    list(component.pipe(articles(True)[:5]))  # warm-up

    stats: dict[str, int] = {}

    def timed(with_vectors: bool) -> list[float]:
        runs = []
        for _ in range(args.repeat):
            batch = articles(with_vectors)
            t = time.perf_counter()
            list(component.pipe(batch, batch_size=16))
            runs.append((time.perf_counter() - t) / len(batch))
            missing = [a.id for a in batch if not a.narratives]
            if missing:
                raise SystemExit(f"articles without narratives: {missing[:5]}")
            stats["explained"] = sum(a.explanation is not None for a in batch)
        return runs

    own = timed(True)
    with_embedding = timed(False)
    words = statistics.mean(len(t.split()) for t in texts)
    sentences = statistics.mean(len(s) for s in spans)
    print(f"{len(texts)} EN articles, mean {words:.0f} words / {sentences:.1f} sentences; "
          f"{args.threads} threads; {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}; {stats['explained']} of {len(texts)} with a narrative "
          "other than Other (explained)")
    print()
    print("| | ms per article (median of runs) | best run |")
    print("|---|---|---|")
    print(f"| narratives (sentence vectors present) | {statistics.median(own) * 1000:.1f} | {min(own) * 1000:.1f} |")
    print(f"| narratives + own embedding | {statistics.median(with_embedding) * 1000:.1f} | "
          f"{min(with_embedding) * 1000:.1f} |")
    print(f"| encoder only (shared, reference) | {encode_s / len(texts) * 1000:.1f} | – |")


if __name__ == "__main__":
    main()
